// Package template writes the blank workbook that people fill in for an import: one sheet
// with the mapping's headers, ready for Excel or WPS, so that what they type imports without
// edits to the mapping.
//
// What it holds, and why:
//   - the headers exactly as the mapping spells them (Bind matches them); required columns
//     are marked by a red header rather than by a "*" in the text, which would no longer match;
//   - a note (comment) on each header: type, how to write a value, required, allowed values,
//     limits (lang.ColumnNote; the mapping's note: comes first);
//   - dropdowns (data validation) for enum, checkbox and allowed-values columns; a list too
//     long for Excel's 255-character inline limit, or with a comma in a value, is put on a
//     hidden sheet and referenced from there;
//   - date columns formatted as dates; id, account and other text columns formatted as text
//     (@), so Excel keeps leading zeros and does not turn 1-2 into a date;
//   - the header row frozen.
//
// Read-only columns (createDT, updateDT, ...) are left out: an import ignores them.
package template

import (
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// Author is the author of the header notes, as Excel shows it.
const Author = "bangwo8-etl"

// inlineListLimit is the longest dropdown list Excel accepts inside the validation itself.
const inlineListLimit = 255

// SheetName is the name of the sheet people fill in: the mapping's sheet, or a default.
func SheetName(m *mapping.Mapping, l lang.Lang) string {
	if m.Sheet != "" {
		return m.Sheet
	}
	return l.Pick("公司", "Companies")
}

// ListsSheetName is the hidden sheet that holds long dropdown lists.
func ListsSheetName(l lang.Lang) string { return l.Pick("下拉选项", "Lists") }

// Columns returns the columns a template has: the mapping's, less the read-only ones (uId
// stays: it says which company a row updates).
func Columns(m *mapping.Mapping) []*mapping.Column {
	var cols []*mapping.Column
	for _, c := range m.Columns {
		if c.ReadOnly && !c.Is(field.UID) {
			continue
		}
		cols = append(cols, c)
	}
	return cols
}

// Build returns the blank workbook of m. The caller closes it.
func Build(m *mapping.Mapping, l lang.Lang) (*excelize.File, error) {
	f := excelize.NewFile()
	b := &builder{f: f, l: l, sheet: SheetName(m, l)}
	if err := b.build(Columns(m)); err != nil {
		f.Close()
		return nil, fmt.Errorf("template: %w", err)
	}
	return f, nil
}

// Write writes the blank workbook of m to path, atomically: a temporary file beside path is
// renamed into place, so a half-written template is never seen.
func Write(path string, m *mapping.Mapping, l lang.Lang) error {
	f, err := Build(m, l)
	if err != nil {
		return err
	}
	defer f.Close()
	err = atomicfile.Write(path, func(out *os.File) error {
		return xlsxout.Write(out, f)
	})
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	return nil
}

type builder struct {
	f     *excelize.File
	l     lang.Lang
	sheet string
	lists int // columns used on the hidden lists sheet
	style styles
}

type styles struct {
	header, required, text, date, number, general int
}

func (b *builder) build(cols []*mapping.Column) error {
	f := b.f
	if err := f.SetSheetName(f.GetSheetName(0), b.sheet); err != nil {
		return err
	}
	if err := b.makeStyles(); err != nil {
		return err
	}
	for i, c := range cols {
		if err := b.column(i, c); err != nil {
			return fmt.Errorf("column %s: %w", c, err)
		}
	}
	if err := f.SetRowHeight(b.sheet, 1, 22); err != nil {
		return err
	}
	if err := b.rules(); err != nil {
		return err
	}
	landscape := "landscape" // a wide sheet prints more columns per page
	if err := f.SetPageLayout(b.sheet, &excelize.PageLayoutOptions{Orientation: &landscape}); err != nil {
		return err
	}
	return f.SetPanes(b.sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// RulesSheetName is the sheet that says the rules of an import (lang.ImportRules), after the
// sheet to fill in.
func RulesSheetName(l lang.Lang) string { return l.Pick("导入说明", "How to import") }

// rules adds the sheet of the import's rules: one per row, in a wide wrapped column.
func (b *builder) rules() error {
	name := RulesSheetName(b.l)
	if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	if err := b.f.SetColWidth(name, "A", "A", 100); err != nil {
		return err
	}
	wrap, err := b.f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	for i, line := range b.l.ImportRules() {
		cell := fmt.Sprintf("A%d", i+1)
		if err := b.f.SetCellStr(name, cell, line); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(name, cell, cell, wrap); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) makeStyles() error {
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	var err error
	newStyle := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = b.f.NewStyle(s)
		return id
	}
	dateFmt := "yyyy-mm-dd"
	b.style = styles{
		header: newStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}, NumFmt: 49}),
		required: newStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FCE4D6"}}, NumFmt: 49}),
		text:    newStyle(&excelize.Style{NumFmt: 49}), // @: text, kept as typed
		date:    newStyle(&excelize.Style{CustomNumFmt: &dateFmt}),
		number:  newStyle(&excelize.Style{NumFmt: 0}),
		general: newStyle(&excelize.Style{}),
	}
	return err
}

// cellStyle is the style of a column's cells, by what they hold.
func (b *builder) cellStyle(c *mapping.Column) int {
	switch c.Type {
	case mapping.TypeDate, mapping.TypeDateTime:
		return b.style.date
	case mapping.TypeDecimal:
		return b.style.number
	case mapping.TypeInt:
		if c.Is(field.UID) {
			return b.style.text // an id, not a quantity: never shown as 1.2E+10
		}
		return b.style.number
	case mapping.TypeEnum, mapping.TypeCheckbox:
		return b.style.general
	}
	return b.style.text
}

func (b *builder) column(i int, c *mapping.Column) error {
	f, col := b.f, mapping.ColumnLetter(i)
	if err := f.SetColStyle(b.sheet, col, b.cellStyle(c)); err != nil {
		return err
	}
	if err := f.SetColWidth(b.sheet, col, col, columnWidth(c)); err != nil {
		return err
	}
	header := col + "1"
	if err := f.SetCellStr(b.sheet, header, c.Header); err != nil {
		return err
	}
	style := b.style.header
	if c.Required {
		style = b.style.required
	}
	if err := f.SetCellStyle(b.sheet, header, header, style); err != nil {
		return err
	}
	note := b.l.ColumnNote(c)
	lines := strings.Count(note, "\n") + 1
	if err := f.AddComment(b.sheet, excelize.Comment{Cell: header, Author: Author, Text: note,
		Width: 260, Height: uint(30 + 18*lines)}); err != nil {
		return err
	}
	if choices := lang.Choices(c); len(choices) > 0 {
		return b.dropdown(col, c, choices)
	}
	return nil
}

// dropdown adds a list validation to the column's cells below the header.
func (b *builder) dropdown(col string, c *mapping.Column, choices []string) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows)
	if c.Type == mapping.TypeList {
		// A list cell may hold several values ("a,b"), which a dropdown cannot: warn, not refuse.
		dv.SetError(excelize.DataValidationErrorStyleInformation, b.l.Pick("提示", "Note"),
			b.l.Pick("可以填多个值，用逗号分隔。", "Several values may be given, separated by commas."))
	} else {
		dv.SetError(excelize.DataValidationErrorStyleStop, b.l.Pick("不在可选值里", "Not an allowed value"),
			b.l.Pick("请从下拉列表中选择。", "Please pick a value from the list."))
	}
	joined := strings.Join(choices, ",")
	if utf8.RuneCountInString(joined) <= inlineListLimit && !hasComma(choices) {
		if err := dv.SetDropList(choices); err != nil {
			return err
		}
	} else {
		ref, err := b.putList(choices)
		if err != nil {
			return err
		}
		dv.SetSqrefDropList(ref)
	}
	return b.f.AddDataValidation(b.sheet, dv)
}

func hasComma(values []string) bool {
	for _, v := range values {
		if strings.ContainsAny(v, ",\"") {
			return true
		}
	}
	return false
}

// putList writes values to the next column of the hidden lists sheet and returns the range
// that a validation refers to.
func (b *builder) putList(values []string) (string, error) {
	f, lists := b.f, ListsSheetName(b.l)
	if b.lists == 0 {
		if _, err := f.NewSheet(lists); err != nil {
			return "", err
		}
		if err := f.SetSheetVisible(lists, false); err != nil {
			return "", err
		}
	}
	col := mapping.ColumnLetter(b.lists)
	b.lists++
	for i, v := range values {
		if err := f.SetCellStr(lists, fmt.Sprintf("%s%d", col, i+1), v); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("'%s'!$%s$1:$%s$%d", lists, col, col, len(values)), nil
}

// columnWidth fits the header, and gives room to the columns that hold long text.
func columnWidth(c *mapping.Column) float64 {
	w := 2.2*float64(utf8.RuneCountInString(c.Header)) + 4
	switch c.Field {
	case "companyName", "address", "serveNote", "userURL":
		w = max(w, 30)
	}
	switch c.Type {
	case mapping.TypeDate:
		w = max(w, 12)
	case mapping.TypeDateTime:
		w = max(w, 20)
	}
	return min(max(w, 10), 40)
}

package sheet

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// HeaderSearchRows is how many rows from the top of a sheet may hold the header row: a title
// row, a date line or an empty row often sit above it.
const HeaderSearchRows = 10

// TableOptions say which table of a spreadsheet to read.
type TableOptions struct {
	// Sheet names the sheet to read; "" chooses the first visible sheet whose header IsHeader
	// accepts.
	Sheet string
	// Asked is true when Sheet was asked for by the person (--sheet): a workbook without it is
	// refused. A sheet named by the mapping only is a wish: a workbook with one visible sheet
	// is read whatever its name (an office program that saved a CSV as xlsx names its one
	// sheet after the file), with a note.
	Asked bool
	// IsHeader tells a header row: the mapping's required columns are all in it. nil takes the
	// first row that is not blank.
	IsHeader func(cells []string) bool
}

// Table is the table a spreadsheet holds: the source, read up to and including the header
// row, and that row.
type Table struct {
	Source
	HeaderRow int
	Header    []string
	// Found is false when no row of the first HeaderSearchRows passed IsHeader: Header is
	// then the first row that is not blank, for the error to show what it holds.
	Found bool
	// Note says what the person should know about the choice (another sheet than the one the
	// mapping names); "" for nothing.
	Note string
	// Missing is the sheet the mapping names that the workbook lacks, when its one visible
	// sheet is read instead; "" otherwise.
	Missing string
}

// OpenTable opens the spreadsheet at path and finds its table: the sheet (see TableOptions)
// and, in it, the header row, the first of the top HeaderSearchRows rows that IsHeader
// accepts. A sheet without a row that is not blank is an *InputError.
func OpenTable(path string, o TableOptions) (*Table, error) {
	if ext := strings.ToLower(filepath.Ext(path)); ext != ".xlsx" && ext != ".xlsm" {
		src, err := Open(path, "")
		if err != nil {
			return nil, err
		}
		return findHeader(src, path, o.IsHeader, "")
	}
	f, err := openWorkbook(path)
	if err != nil {
		return nil, err
	}
	all, visible := f.GetSheetList(), visibleSheets(f)
	name, note := o.Sheet, ""
	switch {
	case o.Sheet != "" && !slices.Contains(all, o.Sheet):
		if o.Asked || len(visible) != 1 {
			f.Close()
			return nil, noSheet(path, o.Sheet, all)
		}
		name = visible[0]
		note = fmt.Sprintf("no sheet %q: the workbook's one visible sheet %q is read", o.Sheet, name)
	case o.Sheet != "":
	case len(visible) == 0:
		f.Close()
		return nil, &InputError{File: path, Err: errors.New("the workbook has no visible sheet")}
	default:
		// The first visible sheet whose top rows hold a header; else the first visible one,
		// for the error to show what its header row holds.
		name = visible[0]
		for _, v := range visible {
			if found, err := holdsHeader(f, v, o.IsHeader); err == nil && found {
				name = v
				break
			}
		}
		if name != visible[0] {
			note = fmt.Sprintf("sheet %q is read: it is the first visible sheet whose header the mapping reads", name)
		}
	}
	src, err := readSheet(f, path, name)
	if err != nil {
		return nil, err
	}
	t, err := findHeader(src, path, o.IsHeader, note)
	if err == nil && name != o.Sheet && o.Sheet != "" {
		t.Missing = o.Sheet
	}
	return t, err
}

// holdsHeader reports whether one of the top HeaderSearchRows rows of sheet (counted from
// the first that is not blank) passes isHeader. It reads only those rows.
func holdsHeader(f *excelize.File, sheet string, isHeader func([]string) bool) (bool, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	first := 0
	for row := 1; rows.Next(); row++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return false, err
		}
		if !slices.ContainsFunc(cells, notBlank) {
			continue
		}
		if first == 0 {
			first = row
		}
		if isHeader == nil || isHeader(cells) {
			return true, nil
		}
		if row >= first+HeaderSearchRows-1 {
			break
		}
	}
	return false, rows.Error()
}

// findHeader reads src up to its header row.
func findHeader(src Source, name string, isHeader func([]string) bool, note string) (*Table, error) {
	var first *Table
	for {
		row, cells, err := NextRow(src)
		if err == io.EOF {
			break
		}
		if err != nil {
			src.Close()
			return nil, err
		}
		if first == nil {
			first = &Table{Source: src, HeaderRow: row, Header: slices.Clone(cells), Note: note}
		}
		if isHeader == nil || isHeader(cells) {
			return &Table{Source: src, HeaderRow: row, Header: slices.Clone(cells), Found: true, Note: note}, nil
		}
		if row >= first.HeaderRow+HeaderSearchRows-1 {
			break
		}
	}
	if first == nil {
		src.Close()
		return nil, &InputError{File: name, Sheet: src.Sheet(), Err: errors.New("no header row: the sheet is empty")}
	}
	// The rows below the first are gone: the table is only good for showing what its header
	// row holds.
	return first, nil
}

// visibleSheets lists the sheets of the workbook a person sees: not hidden or very hidden.
func visibleSheets(f *excelize.File) []string {
	var visible []string
	for _, name := range f.GetSheetList() {
		if v, err := f.GetSheetVisible(name); err == nil && v {
			visible = append(visible, name)
		}
	}
	return visible
}

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
	sheets, err := visibleSheets(path)
	if err != nil {
		return nil, err
	}
	if o.Sheet != "" {
		name, note := o.Sheet, ""
		if !slices.Contains(sheets.all, o.Sheet) && !o.Asked && len(sheets.visible) == 1 {
			name = sheets.visible[0]
			note = fmt.Sprintf("no sheet %q: the workbook's one visible sheet %q is read", o.Sheet, name)
		}
		src, err := OpenXLSX(path, name)
		if err != nil {
			return nil, err
		}
		return findHeader(src, path, o.IsHeader, note)
	}
	if len(sheets.visible) == 0 {
		return nil, &InputError{File: path, Err: errors.New("the workbook has no visible sheet")}
	}
	var first *Table
	for _, name := range sheets.visible {
		src, err := OpenXLSX(path, name)
		if err != nil {
			return nil, err
		}
		t, err := findHeader(src, path, o.IsHeader, "")
		switch {
		case err == nil && t.Found:
			if first != nil {
				first.Close()
			}
			if name != sheets.visible[0] {
				t.Note = fmt.Sprintf("sheet %q is read: it is the first visible sheet whose header the mapping reads", name)
			}
			return t, nil
		case err == nil && first == nil:
			first = t
		case err == nil:
			t.Close()
		}
	}
	if first == nil {
		// No visible sheet has a row: the first one says so.
		src, err := OpenXLSX(path, sheets.visible[0])
		if err != nil {
			return nil, err
		}
		return findHeader(src, path, o.IsHeader, "")
	}
	return first, nil
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

type sheetList struct{ all, visible []string }

// visibleSheets lists the sheets of the workbook at path, and those a person sees (not hidden
// or very hidden).
func visibleSheets(path string) (sheetList, error) {
	if err := checkUnzippedSize(path); err != nil {
		return sheetList{}, &InputError{File: path, Err: err}
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipXMLSizeLimit: 1 << 20, UnzipSizeLimit: MaxUnzippedSize})
	if err != nil {
		return sheetList{}, &InputError{File: path, Err: fmt.Errorf("not a readable xlsx workbook: %w", err)}
	}
	defer f.Close()
	var l sheetList
	for _, name := range f.GetSheetList() {
		l.all = append(l.all, name)
		if visible, err := f.GetSheetVisible(name); err == nil && visible {
			l.visible = append(l.visible, name)
		}
	}
	return l, nil
}

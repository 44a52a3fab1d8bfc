package importer

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// xlsxSource streams one sheet of a workbook through excelize's row iterator, with raw cell
// values: numbers and dates arrive as the numbers the file stores ("43101" for a date), so the
// mapping converts them by the column's type and not by a display format.
type xlsxSource struct {
	file   *excelize.File
	rows   *excelize.Rows
	sheet  string
	system mapping.DateSystem
	row    int
	name   string
}

// OpenXLSX opens sheet of the workbook at path; "" reads the first sheet.
func OpenXLSX(path, sheet string) (Source, error) {
	// Worksheets above UnzipXMLSizeLimit are unpacked to a temporary file and streamed from
	// there; a low limit keeps memory flat whatever the sheet's size.
	opts := excelize.Options{RawCellValue: true, UnzipXMLSizeLimit: 1 << 20}
	f, err := excelize.OpenFile(path, opts)
	if err != nil {
		return nil, &InputError{File: path, Err: fmt.Errorf("not a readable xlsx workbook: %w", err)}
	}
	s := &xlsxSource{file: f, name: path}
	sheets := f.GetSheetList()
	switch {
	case sheet != "":
		found := false
		for _, name := range sheets {
			if name == sheet {
				found = true
			}
		}
		if !found {
			f.Close()
			return nil, &InputError{File: path, Err: fmt.Errorf("no sheet %q (the workbook has %s)", sheet, strings.Join(quoteAll(sheets), ", "))}
		}
		s.sheet = sheet
	case len(sheets) == 0:
		f.Close()
		return nil, &InputError{File: path, Err: fmt.Errorf("the workbook has no sheet")}
	default:
		s.sheet = sheets[0]
	}
	props, err := f.GetWorkbookProps()
	if err != nil {
		f.Close()
		return nil, &InputError{File: path, Err: fmt.Errorf("reading workbook properties: %w", err)}
	}
	if props.Date1904 != nil && *props.Date1904 {
		s.system = mapping.Date1904
	}
	s.rows, err = f.Rows(s.sheet)
	if err != nil {
		f.Close()
		return nil, &InputError{File: path, Sheet: s.sheet, Err: err}
	}
	return s, nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// Next counts rows itself: excelize yields an empty row for each row number the file skips,
// so the count is the row number a spreadsheet shows.
func (s *xlsxSource) Next() (int, []string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, &InputError{File: s.name, Sheet: s.sheet, Row: s.row + 1, Err: err}
		}
		return 0, nil, io.EOF
	}
	s.row++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, nil, &InputError{File: s.name, Sheet: s.sheet, Row: s.row, Err: err}
	}
	return s.row, cells, nil
}

func (s *xlsxSource) Sheet() string                  { return s.sheet }
func (s *xlsxSource) DateSystem() mapping.DateSystem { return s.system }

func (s *xlsxSource) Close() error {
	err := s.rows.Close()
	if cerr := s.file.Close(); err == nil {
		err = cerr
	}
	return err
}

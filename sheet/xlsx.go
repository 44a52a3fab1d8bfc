package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// XLSX streams one sheet of a workbook through excelize's row iterator, with raw cell
// values: numbers and dates arrive as the numbers the file stores ("43101" for a date), so the
// mapping converts them by the column's type and not by a display format.
type XLSX struct {
	file   *excelize.File
	rows   *excelize.Rows
	sheet  string
	system mapping.DateSystem
	row    int
	name   string
	// check looks, beside the reading, for an XML error that would end the rows early
	// (see checkSheetXML); nil once its answer has been taken.
	check *sheetCheck
}

// OpenXLSX opens sheet of the workbook at path; "" reads the first sheet.
func OpenXLSX(path, sheet string) (*XLSX, error) {
	// Worksheets above UnzipXMLSizeLimit are unpacked to a temporary file and streamed from
	// there; a low limit keeps memory flat whatever the sheet's size.
	if err := checkUnzippedSize(path); err != nil {
		return nil, &InputError{File: path, Err: err}
	}
	opts := excelize.Options{RawCellValue: true, UnzipXMLSizeLimit: 1 << 20, UnzipSizeLimit: MaxUnzippedSize}
	f, err := excelize.OpenFile(path, opts)
	if err != nil {
		return nil, &InputError{File: path, Err: fmt.Errorf("not a readable xlsx workbook: %w", err)}
	}
	s := &XLSX{file: f, name: path}
	sheets := f.GetSheetList()
	switch {
	case sheet != "":
		if !slices.Contains(sheets, sheet) {
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
	s.check = startSheetCheck(path, s.sheet)
	return s, nil
}

// MaxUnzippedSize bounds what a workbook may unpack to. A full sheet of 1,048,576 rows of
// twenty columns unpacks to about a gigabyte; a zip bomb (a few megabytes that unpack to many
// gigabytes) is refused before anything is unpacked, since excelize would spool it to disk.
const MaxUnzippedSize = 4 << 30

// checkUnzippedSize refuses a zip whose entries declare more than MaxUnzippedSize in all.
// (archive/zip stops an entry that inflates to more than it declares.) A file that is not a
// zip is left to excelize, which recognises encrypted workbooks.
func checkUnzippedSize(path string) error {
	z, err := zip.OpenReader(path)
	if err != nil {
		if isOLE(path) {
			return errors.New("an encrypted workbook or an old .xls file (not a zip): save it as an .xlsx without a password and import that")
		}
		return nil
	}
	defer z.Close()
	var total uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		if total > MaxUnzippedSize {
			return fmt.Errorf("the workbook would unpack to more than %d GiB (a zip bomb?); refused", MaxUnzippedSize>>30)
		}
	}
	return nil
}

// isOLE reports whether the file is an OLE compound document: what Excel writes for a
// workbook encrypted with a password, and for the old .xls format.
func isOLE(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 8)
	_, err = io.ReadFull(f, head)
	return err == nil && bytes.Equal(head, []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1})
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
func (s *XLSX) Next() (int, []string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, &InputError{File: s.name, Sheet: s.sheet, Row: s.row + 1, Err: err}
		}
		if s.check != nil {
			err := s.check.wait()
			s.check = nil
			if err != nil {
				// excelize may have yielded the broken row, empty: name it, not the next one.
				return 0, nil, &InputError{File: s.name, Sheet: s.sheet, Row: max(s.row, 1), Err: err}
			}
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

func (s *XLSX) Sheet() string                  { return s.sheet }
func (s *XLSX) DateSystem() mapping.DateSystem { return s.system }

func (s *XLSX) Close() error {
	if s.check != nil {
		s.check.stop()
	}
	err := s.rows.Close()
	if cerr := s.file.Close(); err == nil {
		err = cerr
	}
	return err
}

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
	// dates is the check's word on the date-formatted cells of the row it is at (see
	// sheetCheck); nil when the workbook has no date format.
	dates     <-chan dateCells
	nextDates dateCells
}

// OpenXLSX opens sheet of the workbook at path; "" reads the first sheet.
func OpenXLSX(path, sheet string) (*XLSX, error) {
	f, err := openWorkbook(path)
	if err != nil {
		return nil, err
	}
	sheets := f.GetSheetList()
	switch {
	case sheet != "":
		if !slices.Contains(sheets, sheet) {
			f.Close()
			return nil, noSheet(path, sheet, sheets)
		}
	case len(sheets) == 0:
		f.Close()
		return nil, &InputError{File: path, Err: fmt.Errorf("the workbook has no sheet")}
	default:
		sheet = sheets[0]
	}
	return readSheet(f, path, sheet)
}

// openWorkbook opens the workbook at path to be read row by row, with raw cell values.
func openWorkbook(path string) (*excelize.File, error) {
	// Worksheets above UnzipXMLSizeLimit are unpacked to a temporary file and streamed from
	// there; a low limit keeps memory flat whatever the sheet's size.
	if err := checkUnzippedSize(path); err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return nil, err
		}
		return nil, &InputError{File: path, Err: err}
	}
	opts := excelize.Options{RawCellValue: true, UnzipXMLSizeLimit: 1 << 20, UnzipSizeLimit: MaxUnzippedSize}
	f, err := excelize.OpenFile(path, opts)
	if err != nil {
		return nil, &InputError{File: path, Err: fmt.Errorf("not a readable xlsx workbook: %w", err)}
	}
	return f, nil
}

func noSheet(path, sheet string, sheets []string) error {
	return &InputError{File: path, Err: fmt.Errorf("no sheet %q (the workbook has %s)", sheet, strings.Join(quoteAll(sheets), ", "))}
}

// readSheet starts reading sheet of the open workbook f at path. The XLSX owns f from then
// on; f is closed on error.
func readSheet(f *excelize.File, path, sheet string) (*XLSX, error) {
	s := &XLSX{file: f, name: path, sheet: sheet}
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
	s.check = startSheetCheck(path, s.sheet, dateStyles(f))
	s.dates = s.check.dates
	return s, nil
}

// dateStyles are the cell styles of the workbook whose number format shows a date or a
// time: a number cell with one of them is a date, whatever its raw serial says.
func dateStyles(f *excelize.File) map[int]bool {
	styles := map[int]bool{}
	for id := 0; id < excelize.MaxCellStyles; id++ {
		st, err := f.GetStyle(id)
		if err != nil {
			break
		}
		if st.CustomNumFmt != nil && isDateFormat(*st.CustomNumFmt) || st.CustomNumFmt == nil && isBuiltInDateFormat(st.NumFmt) {
			styles[id] = true
		}
	}
	return styles
}

// isBuiltInDateFormat tells the built-in number formats that show dates or times: 14-22 and
// 45-47 everywhere, 27-36 and 50-58 in the East Asian locales (年月日 and the like).
func isBuiltInDateFormat(id int) bool {
	return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
}

// isDateFormat tells whether a custom number format code shows a date or a time: a y, m, d,
// h or s outside quoted text, escapes and [colour] or [$-locale] brackets ("0.00" and "#,##0"
// do not; "yyyy/m/d" and "[$-F800]dddd" do).
func isDateFormat(code string) bool {
	if strings.EqualFold(code, "General") || strings.EqualFold(code, "@") {
		return false
	}
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				return false
			}
		case '\\', '_', '*':
			i++
		case '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				inside := strings.ToLower(code[i+1 : i+j])
				if inside == "h" || inside == "hh" || inside == "m" || inside == "mm" || inside == "s" || inside == "ss" {
					return true // elapsed time
				}
				i += j
			}
		case 'y', 'Y', 'm', 'M', 'd', 'D', 'h', 'H', 's', 'S', 'e':
			return true
		}
	}
	return false
}

// MaxUnzippedSize bounds what a workbook may unpack to. A full sheet of 1,048,576 rows of
// twenty columns unpacks to about a gigabyte; a zip bomb (a few megabytes that unpack to many
// gigabytes) is refused before anything is unpacked, since excelize would spool it to disk.
const MaxUnzippedSize = 4 << 30

// MaxHeldParts bounds what excelize holds in memory of a workbook: every part but the sheets'
// XML and the shared strings, which it streams from temporary files (the styles, the
// workbook, pictures and drawings; a sheet stored under another name too). A workbook of
// data has a few megabytes of them.
const MaxHeldParts = 128 << 20

// checkUnzippedSize refuses a zip whose entries declare more than MaxUnzippedSize in all
// (archive/zip stops an entry that inflates to more than it declares), then a cell longer
// than Excel holds (checkCellLengths). A file that is not a zip is left to excelize, which
// recognises encrypted workbooks.
func checkUnzippedSize(path string) error {
	z, err := zip.OpenReader(path)
	if err != nil {
		if isOLE(path) {
			return errors.New("an encrypted workbook or an old .xls file (not a zip): save it as an .xlsx without a password and import that")
		}
		return nil
	}
	defer z.Close()
	var total, held uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		if total > MaxUnzippedSize {
			return fmt.Errorf("the workbook would unpack to more than %d GiB (a zip bomb?); refused", MaxUnzippedSize>>30)
		}
		if name := strings.ToLower(strings.TrimPrefix(f.Name, "/")); !strings.HasPrefix(name, "xl/worksheets/sheet") && name != "xl/sharedstrings.xml" {
			held += f.UncompressedSize64
		}
		if held > MaxHeldParts {
			return fmt.Errorf("the workbook's parts other than its sheets' cells (styles, pictures, drawings) unpack to more than %d MiB, which would be held in memory; refused: save the sheet without its pictures, or as CSV", MaxHeldParts>>20)
		}
	}
	return checkCellLengths(path, &z.Reader)
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
	s.showDates(cells)
	return s.row, cells, nil
}

// showDates replaces the serial of each date-formatted number cell of the current row by the
// date text it shows (mapping.SerialText), so that a date column tells a real date from a
// bare number, and a report writes it back as a date.
func (s *XLSX) showDates(cells []string) {
	for s.dates != nil && s.nextDates.row < s.row {
		d, ok := <-s.dates
		if !ok {
			s.dates = nil
			return
		}
		s.nextDates = d
	}
	if s.dates == nil || s.nextDates.row != s.row {
		return
	}
	for _, col := range s.nextDates.cols {
		if col < len(cells) && cells[col] != "" {
			if text, err := mapping.SerialText(cells[col], s.system); err == nil {
				cells[col] = text
			}
		}
	}
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

package sheet

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// Source yields the rows of one sheet of a spreadsheet, in order. Row numbers are those a
// person sees in the spreadsheet (from 1), so a problem can be found in the file.
type Source interface {
	// Next returns the next row and its cells; io.EOF after the last row. The cells are only
	// valid until the next call: a source may reuse them.
	Next() (row int, cells []string, err error)
	// Sheet names the sheet being read ("" for a CSV file).
	Sheet() string
	// DateSystem is the workbook's date system, for cells holding Excel date serials.
	DateSystem() mapping.DateSystem
	Close() error
}

// ErrUnsupported is the error of a file whose ending names no format this package reads.
var ErrUnsupported = errors.New("unsupported input file: want .xlsx or .csv")

// Open opens the spreadsheet at path by its ending: .xlsx (sheet, or the first sheet when
// sheet is "") or .csv (sheet ignored).
func Open(path, sheet string) (Source, error) {
	// Each case returns its own error: a nil *XLSX or *CSV in a Source would not be nil.
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		x, err := OpenXLSX(path, sheet)
		if err != nil {
			return nil, err
		}
		return x, nil
	case ".csv", ".txt":
		c, err := OpenCSV(path)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	return nil, fmt.Errorf("%s: %w", path, ErrUnsupported)
}

// NextRow is src.Next without the blank rows: it returns the next row with at least one cell
// that is not blank.
func NextRow(src Source) (int, []string, error) {
	for {
		row, cells, err := src.Next()
		if err != nil {
			return 0, nil, err
		}
		if slices.ContainsFunc(cells, notBlank) {
			return row, cells, nil
		}
	}
}

func notBlank(cell string) bool { return strings.TrimSpace(cell) != "" }

// ReadHeader returns the header row, a copy the caller keeps: the first row that is not
// blank. A sheet without one is an *InputError naming the file as name.
func ReadHeader(src Source, name string) (int, []string, error) {
	row, cells, err := NextRow(src)
	if err == io.EOF {
		return 0, nil, &InputError{File: name, Sheet: src.Sheet(), Err: errors.New("no header row: the sheet is empty")}
	}
	if err != nil {
		return 0, nil, err
	}
	return row, slices.Clone(cells), nil
}

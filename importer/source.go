package importer

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
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

// ErrUnsupported is the error of a file whose ending names no format the importer reads.
var ErrUnsupported = errors.New("unsupported input file: want .xlsx or .csv")

// Open opens the spreadsheet at path by its ending: .xlsx (sheet, or the first sheet when
// sheet is "") or .csv (sheet ignored).
func Open(path, sheet string) (Source, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return OpenXLSX(path, sheet)
	case ".csv", ".txt":
		return OpenCSV(path)
	}
	return nil, fmt.Errorf("%s: %w", path, ErrUnsupported)
}

// nextRow skips blank rows: it returns the next row with at least one non-blank cell.
func nextRow(src Source) (int, []string, error) {
	for {
		row, cells, err := src.Next()
		if err != nil {
			return 0, nil, err
		}
		if !blank(cells) {
			return row, cells, nil
		}
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readHeader returns the header row: the first row that is not blank.
func readHeader(src Source, name string) (int, []string, error) {
	row, cells, err := nextRow(src)
	if err == io.EOF {
		return 0, nil, &InputError{File: name, Sheet: src.Sheet(), Err: errors.New("no header row: the sheet is empty")}
	}
	if err != nil {
		return 0, nil, err
	}
	return row, append([]string(nil), cells...), nil
}

package report

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// Writer writes the rows of one report, in the order given, to a temporary file that Close
// puts in place; Abort removes it instead. After a Write error, only Abort is of use.
type Writer interface {
	Write(Row) error
	Close() error
	Abort()
}

// Input is the sheet a workbook report shows: its header row and the sheet's name.
type Input struct {
	Header []string
	Sheet  string
}

// Options describe a report beside its path.
type Options struct {
	// Input is the input's header and sheet, which a workbook report repeats (see
	// ShowsCells); a CSV report needs none.
	Input   Input
	Mapping *mapping.Mapping // the mapping that read the input
	Lang    lang.Lang        // the workbook's status words and comments; "" is Chinese
}

// Create starts the report at path by its ending: .csv or .xlsx; an empty path is Discard.
func Create(path string, o Options) (Writer, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return NewCSV(path, o.Lang)
	case ".xlsx":
		return NewXLSX(path, o)
	case "":
		if path == "" {
			return Discard{}, nil
		}
	}
	return nil, fmt.Errorf("report %s: want a .csv or .xlsx file", path)
}

// ShowsCells reports whether the report at path shows the input's cells, so that Row.Cells
// and Options.Input are needed: a workbook does.
func ShowsCells(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".xlsx")
}

// Discard is the report of a run that asked for none.
type Discard struct{}

func (Discard) Write(Row) error { return nil }
func (Discard) Close() error    { return nil }
func (Discard) Abort()          {}

// commit puts the report in place, or drops it when err is set.
func commit(f *atomicfile.File, err error) error {
	if err != nil {
		f.Abort()
		return fmt.Errorf("report %s: %w", f.Path(), err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("report %s: %w", f.Path(), err)
	}
	return nil
}

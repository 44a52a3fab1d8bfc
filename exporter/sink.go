package exporter

import (
	"io"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// sink writes the rows of an export in one format. Cells come from mapping.Row: text cells are
// already formula-escaped.
type sink interface {
	header(headers []string) error
	row(cells []mapping.Cell) error
	// finish completes the file on the writer the sink was made with.
	finish() error
	// abort frees what the sink holds after a failure.
	abort()
	sheets() int
}

func newSink(o *Options, w io.Writer) (sink, error) {
	format, _ := FormatOf(o.Out) // checked by Options.Check
	if format == FormatCSV {
		return newCSVSink(w, o.Encoding), nil
	}
	return newXLSXSink(w, o.Out, sheetName(o.Mapping), o.SheetRows)
}

// sheetName is the name of the first sheet: the one the mapping reads back, or 公司.
func sheetName(m *mapping.Mapping) string {
	if m != nil && m.Sheet != "" {
		return m.Sheet
	}
	return "公司"
}

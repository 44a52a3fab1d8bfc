package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// csvHeader names the columns of a CSV report.
var csvHeader = []string{"row", "action", string(field.UID), "key", "changed", "rule", "error", "note", "asset", "plan"}

// bomUTF8 starts a CSV report so that Excel reads its Chinese text as UTF-8.
var bomUTF8 = []byte{0xEF, 0xBB, 0xBF}

// CSV is a report of one line per row, written through encoding/csv as the rows come.
type CSV struct {
	name string
	file *atomicfile.File // nil when written to a caller's writer
	w    *csv.Writer
	rec  []string
}

// NewCSV starts a CSV report that becomes path on Close.
func NewCSV(path string) (*CSV, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r, err := NewCSVWriter(path, f)
	if err != nil {
		f.Abort()
		return nil, err
	}
	r.file = f
	return r, nil
}

// NewCSVWriter starts a CSV report written to w, named name in errors; Close flushes it, and
// neither Close nor Abort closes w.
func NewCSVWriter(name string, w io.Writer) (*CSV, error) {
	r := &CSV{name: name, w: csv.NewWriter(w), rec: make([]string, len(csvHeader))}
	if _, err := w.Write(bomUTF8); err != nil {
		return nil, r.fail(err)
	}
	if err := r.w.Write(csvHeader); err != nil {
		return nil, r.fail(err)
	}
	return r, nil
}

// Write adds row. Cells that a spreadsheet would run as a formula are escaped: a key or an
// error may quote a cell of the input. An error is the file's (a full disk): the report
// cannot be completed.
func (r *CSV) Write(row Row) error {
	rec := r.rec
	rec[0] = strconv.Itoa(row.Row)
	rec[1] = string(row.Action)
	rec[2] = row.UID
	rec[3] = mapping.EscapeFormula(row.Key)
	rec[4] = row.Changed
	rec[5] = row.Rule
	rec[6] = mapping.EscapeFormula(row.Error)
	rec[7] = row.Note
	rec[8] = row.Asset
	rec[9] = mapping.EscapeFormula(row.Plan)
	if err := r.w.Write(rec); err != nil {
		return r.fail(err)
	}
	return nil
}

// Close flushes the report and puts it in place.
func (r *CSV) Close() error {
	r.w.Flush()
	if err := r.w.Error(); err != nil {
		r.Abort()
		return r.fail(err)
	}
	if r.file == nil {
		return nil
	}
	return commit(r.file, nil)
}

// Abort drops the report: nothing appears at its path.
func (r *CSV) Abort() {
	if r.file != nil {
		r.file.Abort()
	}
}

func (r *CSV) fail(err error) error {
	return fmt.Errorf("report %s: %w", r.name, err)
}

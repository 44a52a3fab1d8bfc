package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// bomUTF8 starts a CSV report so that Excel reads its Chinese text as UTF-8.
var bomUTF8 = []byte{0xEF, 0xBB, 0xBF}

// CSV is a report of one line per row, written through encoding/csv as the rows come.
type CSV struct {
	l    lang.Lang
	name string
	file *atomicfile.File // nil when written to a caller's writer
	w    *csv.Writer
	rec  []string
}

// NewCSV starts a CSV report that becomes path on Close. Its header and status words are in
// l (lang.ActionOf reads them back); the rules stay the mapping's words.
func NewCSV(path string, l lang.Lang) (*CSV, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r, err := NewCSVWriter(path, f, l)
	if err != nil {
		f.Abort()
		return nil, err
	}
	r.file = f
	return r, nil
}

// NewCSVWriter starts a CSV report written to w, named name in errors; Close flushes it, and
// neither Close nor Abort closes w.
func NewCSVWriter(name string, w io.Writer, l lang.Lang) (*CSV, error) {
	header := l.CSVReportHeader()
	r := &CSV{l: l, name: name, w: csv.NewWriter(w), rec: make([]string, len(header))}
	if _, err := w.Write(bomUTF8); err != nil {
		return nil, r.fail(err)
	}
	if err := r.w.Write(header); err != nil {
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
	rec[1] = r.l.Status(string(row.Action))
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

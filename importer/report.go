package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gocarina/gocsv"

	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// Action is what happened to a row, as the report says it.
type Action string

const (
	ActionValid     Action = "valid"   // validate only: the row passes every rule
	ActionInvalid   Action = "invalid" // the row breaks a rule, or cannot be matched
	ActionCreated   Action = "created"
	ActionUpdated   Action = "updated"
	ActionUnchanged Action = "unchanged" // the company already has the row's values: no write
	ActionFailed    Action = "failed"    // the write was refused or could not be sent
	ActionSkipped   Action = "skipped"   // not written: other rows are invalid, the run stopped, or an earlier run did it

	// Planned actions of a dry run.
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
)

// ReportRow is one line of the report: one per row of the input, in the input's order.
type ReportRow struct {
	Row     int    `csv:"row"`
	Action  Action `csv:"action"`
	UID     string `csv:"uId"`
	Key     string `csv:"key"`
	Changed string `csv:"changed"` // the fields a write changes (would change), comma separated
	Rule    string `csv:"rule"`    // the rules an invalid row breaks, comma separated
	Error   string `csv:"error"`
	Note    string `csv:"note"`
	Asset   string `csv:"asset"` // import --assets: the asset (_id) that filled the extension's fields

	// Cells and Problems are the row as read and what is wrong with it, for the workbook
	// report, which shows the input's rows; the CSV report has neither.
	Cells    []string          `csv:"-"`
	Problems []mapping.Problem `csv:"-"`
}

func uidText(uid int64) string {
	if uid == 0 {
		return ""
	}
	return strconv.FormatInt(uid, 10)
}

// reportWriter writes report rows to a temporary file, renamed into place by Close, so a
// report is never seen half-written.
type reportWriter interface {
	write(r ReportRow) error
	// close commits the report; abort removes it.
	close() error
	abort()
}

// newReport opens the report opts asks for, by its ending (.csv or .xlsx); none writes
// nothing. The workbook report shows the rows of input, read with m.
func newReport(opts *Options, input string, m *mapping.Mapping) (reportWriter, error) {
	path := opts.Report
	switch strings.ToLower(filepath.Ext(path)) {
	case "":
		if path == "" {
			return discardReport{}, nil
		}
	case ".csv":
		return newCSVReport(path)
	case ".xlsx":
		return newXLSXReport(path, input, m, opts.Lang)
	}
	return nil, fmt.Errorf("report %s: want a .csv or .xlsx file", path)
}

type discardReport struct{}

func (discardReport) write(ReportRow) error { return nil }
func (discardReport) close() error          { return nil }
func (discardReport) abort()                {}

// csvReport streams rows through one gocsv marshaller fed by a channel. The file starts with
// a UTF-8 byte order mark so that Excel shows the Chinese text.
type csvReport struct {
	path  string
	tmp   *atomicfile.File
	rows  chan any
	done  chan error
	count int
}

func newCSVReport(path string) (*csvReport, error) {
	tmp, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if _, err := tmp.Write(bomUTF8); err != nil {
		tmp.Abort()
		return nil, fmt.Errorf("report: %w", err)
	}
	r := &csvReport{path: path, tmp: tmp, rows: make(chan any, 64), done: make(chan error, 1)}
	w := gocsv.NewSafeCSVWriter(csv.NewWriter(tmp))
	go func() { r.done <- gocsv.MarshalChan(r.rows, w) }()
	return r, nil
}

func (r *csvReport) write(row ReportRow) error {
	row.Key = mapping.EscapeFormula(row.Key)
	row.Error = mapping.EscapeFormula(row.Error)
	r.rows <- row
	r.count++
	return nil
}

func (r *csvReport) close() error {
	close(r.rows)
	err := <-r.done
	if errors.Is(err, gocsv.ErrChannelIsClosed) && r.count == 0 {
		// No row: write the header alone.
		err = gocsv.MarshalCSV([]ReportRow{}, gocsv.NewSafeCSVWriter(csv.NewWriter(r.tmp)))
	}
	return commit(r.tmp, err)
}

func (r *csvReport) abort() {
	close(r.rows)
	<-r.done
	r.tmp.Abort()
}

// commit puts the report in place, or drops it when err is set.
func commit(f *atomicfile.File, err error) error {
	if err != nil {
		f.Abort()
		return fmt.Errorf("report %s: %w", f.Path(), err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

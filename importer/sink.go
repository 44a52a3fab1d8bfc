package importer

import (
	"cmp"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// sink receives the outcome of every row, from the reader and from the writers, and writes
// the report in the file's order: rows that finish early wait in pending for the rows before
// them, which are at most the writes in flight. The journal gets each row as soon as it is
// done, so a crash loses as little as possible.
//
// The first error of the report or the journal (a full disk) is kept: the run stops reading
// rows (see failed) and returns it. Each file gets no row after its own error, and until then
// the rows still in flight: the journal is what stops the next run from creating them again. Nothing here blocks but the lock, which no one holds
// while waiting.
type sink struct {
	mu      sync.Mutex
	report  report.Writer
	journal *journal
	sum     *Summary
	opts    *Options
	start   time.Time
	next    int
	pending map[int]report.Row
	done    int
	err     error // the first report or journal error
	// reportErr and journalErr are each file's own error, after which it gets no more rows.
	reportErr, journalErr error
}

func newSink(rep report.Writer, j *journal, sum *Summary, opts *Options, start time.Time) *sink {
	return &sink{report: rep, journal: j, sum: sum, opts: opts, start: start, pending: map[int]report.Row{}}
}

// failed is the first error writing the report or the journal; nil while there is none.
func (s *sink) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// closeReport puts the report in place, or drops it when a write to it failed.
func (s *sink) closeReport() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reportErr != nil {
		s.report.Abort()
		return nil // s.err has it
	}
	if err := s.report.Close(); err != nil {
		return err
	}
	s.sum.Report = s.opts.Report
	return nil
}

// wrote counts a write sent to the service.
func (s *sink) wrote() {
	s.mu.Lock()
	s.sum.Writes++
	s.mu.Unlock()
}

// writes counts the writes sent so far.
func (s *sink) writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sum.Writes
}

// intend journals a create about to be sent (see journal.intend).
func (s *sink) intend(rec *mapping.Record) error {
	if s.journal == nil || s.journal.f == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.journal.intend(rec.Row, rowIdentity(rec), rec.Key)
}

// intendUpdate journals an update about to be sent (see journal.intendUpdate).
func (s *sink) intendUpdate(rec *mapping.Record, uid int64, changes []FieldChange) error {
	if s.journal == nil || s.journal.f == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.journal.intendUpdate(rec.Row, rowIdentity(rec), rec.Key, uid, changes)
}

// put records row number seq (0-based, in file order). A row put with its record (journal)
// is appended to the journal: a row that needs no write when the same command runs again;
// an update's changes go with it, for undo.
func (s *sink) put(seq int, r report.Row, journal *mapping.Record, changes ...FieldChange) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if journal != nil && s.journal != nil && s.journal.f != nil && s.journalErr == nil {
		uid, _ := strconv.ParseInt(r.UID, 10, 64) // "" for none
		s.journalErr = s.journal.record(JournalEntry{Row: r.Row, ID: rowIdentity(journal), Key: r.Key, Action: r.Action, UID: uid, Changes: changes})
		s.err = cmp.Or(s.err, s.journalErr)
	}
	s.sum.count(r.Action)
	s.pending[seq] = r
	for {
		r, ok := s.pending[s.next]
		if !ok {
			break
		}
		delete(s.pending, s.next)
		s.next++
		s.done++
		if s.reportErr == nil {
			s.reportErr = s.report.Write(r)
			s.err = cmp.Or(s.err, s.reportErr)
		}
		s.plan(r)
		s.opts.Progress(Progress{Phase: PhaseWrite, Done: int64(s.done), Total: int64(s.sum.Rows), Elapsed: time.Since(s.start)})
	}
}

// plan writes the line of opts.Plan of a row that was (or would be) written.
func (s *sink) plan(r report.Row) {
	if s.opts.Plan == nil || r.Action == report.ActionSkipped || r.Action == report.ActionInvalid {
		return
	}
	if r.Plan != "" {
		fmt.Fprintln(s.opts.Plan, r.Plan)
		return
	}
	fmt.Fprintf(s.opts.Plan, "row %d: %s", r.Row, r.Action)
	if r.UID != "" {
		fmt.Fprintf(s.opts.Plan, " uId %s", r.UID)
	}
	if r.Changed != "" {
		fmt.Fprintf(s.opts.Plan, ": %s", r.Changed)
	}
	if r.Error != "" {
		fmt.Fprintf(s.opts.Plan, ": %s", r.Error)
	}
	if r.Asset != "" {
		fmt.Fprintf(s.opts.Plan, " [asset %s]", r.Asset)
	}
	fmt.Fprintln(s.opts.Plan)
}

package importer

import (
	"fmt"
	"strconv"
	"sync"
)

// sink receives the outcome of every row, from the reader and from the writers, and writes
// the report in the file's order: rows that finish early wait in pending for the rows before
// them, which are at most the writes in flight. The journal gets each row as soon as it is
// done, so a crash loses as little as possible.
type sink struct {
	mu      sync.Mutex
	report  reportWriter
	journal *journal
	sum     *Summary
	opts    *Options
	next    int
	pending map[int]ReportRow
	done    int
	err     error // the first report or journal error
}

func newSink(rep reportWriter, j *journal, sum *Summary, opts *Options) *sink {
	return &sink{report: rep, journal: j, sum: sum, opts: opts, pending: map[int]ReportRow{}}
}

// wrote counts a write sent to the service.
func (s *sink) wrote() {
	s.mu.Lock()
	s.sum.Writes++
	s.mu.Unlock()
}

// intend journals a create about to be sent (see journal.intend).
func (s *sink) intend(row int, key string) error {
	if s.journal == nil || s.journal.f == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.journal.intend(row, key)
}

// put records row number seq (0-based, in file order). journaled rows are appended to the
// journal: those that need no write when the same command runs again.
func (s *sink) put(seq int, r ReportRow, journaled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if journaled && s.journal != nil && s.journal.f != nil {
		uid, _ := strconv.ParseInt(r.UID, 10, 64) // "" for none
		if err := s.journal.record(JournalEntry{Row: r.Row, Key: r.Key, Action: r.Action, UID: uid}); err != nil && s.err == nil {
			s.err = err
		}
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
		if err := s.report.write(r); err != nil && s.err == nil {
			s.err = err
		}
		if s.opts.Plan != nil && r.Action != ActionSkipped && r.Action != ActionInvalid {
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
		s.opts.Progress(Progress{Phase: PhaseWrite, Done: s.done, Total: s.sum.Rows})
	}
}

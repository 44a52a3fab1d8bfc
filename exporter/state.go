package exporter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
)

// State is what an incremental export remembers between runs.
//
// The service filters updates by whole days, so the next run asks for updated_start = the
// day of Newest and gets again what it already wrote that day; Seen lists those companies
// (id -> updateDT), so that a company is written again only when its updateDT changed.
// Seen holds one day's updates at most.
//
// A state belongs to the service it was written against (Server, Account): its dates say
// what that service has already given, and mean nothing to another (see CheckService).
// Newest is never later than the server's own clock plus FutureMargin (see Run): a company
// dated in the future would otherwise hold back every later change until that date.
type State struct {
	Version int              `json:"version"`
	Newest  string           `json:"newest_update"` // "2018-02-03 00:00:00"; "" before the first run
	Seen    map[int64]string `json:"seen"`          // companies written with updateDT on Newest's day
	Source  string           `json:"source"`        // what was exported, to warn when it changes
	// Server (the base URL) and Account the state was written against; "" in a state written
	// before states were bound, which the next run binds.
	Server  string `json:"server,omitempty"`
	Account string `json:"account,omitempty"`
}

// StateMismatchError is a state file written against another server or account than the
// run's: its progress is another service's, and using it would leave out what this one has.
type StateMismatchError struct {
	Path                  string
	Server, Account       string // what the state was written against
	RunServer, RunAccount string // what the run uses
}

func (e *StateMismatchError) Error() string {
	return fmt.Sprintf("state file %s was written for %s, not %s: its progress belongs to that service; "+
		"use another state file (or remove this one to export everything once)",
		e.Path, service(e.Account, e.Server), service(e.RunAccount, e.RunServer))
}

// CheckService refuses (*StateMismatchError) a state written for another server or account;
// a state that names none (written before states were bound) is accepted. path is for the
// message.
func (s *State) CheckService(path, server, account string) error {
	if s.Server == "" && s.Account == "" {
		return nil
	}
	if s.Server != server || s.Account != account {
		return &StateMismatchError{Path: path, Server: s.Server, Account: s.Account, RunServer: server, RunAccount: account}
	}
	return nil
}

func service(account, server string) string {
	return fmt.Sprintf("account %q at %s", account, server)
}

// FutureMargin is how far past the server's clock (its Date header) an updateDT may lie and
// still be recorded as the newest update. The service writes its dates in its own time zone
// without saying which, and the Date header is in GMT: a day covers every zone on Earth and
// a clock that is somewhat off. A company dated beyond it is exported every time, with a
// warning naming it, and never moves the state.
const FutureMargin = 24 * time.Hour

// dateTimeLayout is the layout of createDT and updateDT.
const dateTimeLayout = "2006-01-02 15:04:05"

// latestPossible is the newest updateDT that can be true at now (the server's clock): later
// ones are dates in the future.
func latestPossible(now time.Time) string {
	return now.UTC().Add(FutureMargin).Format(dateTimeLayout)
}

const stateVersion = 1

// LoadState reads the state file at path; a missing file is the empty state of a first run.
func LoadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{Version: stateVersion, Seen: map[int64]string{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%w: state file %s: %v", ErrInvalidOptions, path, err)
	}
	if s.Version != stateVersion {
		return nil, fmt.Errorf("%w: state file %s has version %d, want %d", ErrInvalidOptions, path, s.Version, stateVersion)
	}
	if s.Newest != "" && len(s.Newest) < 10 {
		return nil, fmt.Errorf("%w: state file %s: newest_update %q is not a date-time", ErrInvalidOptions, path, s.Newest)
	}
	if s.Seen == nil {
		s.Seen = map[int64]string{}
	}
	return &s, nil
}

// Day is the day of Newest ("" before the first run): the next run's updated_start.
func (s *State) Day() string {
	if len(s.Newest) < 10 {
		return ""
	}
	return s.Newest[:10]
}

// Save writes the state to path atomically: the old file stays whole until the new one is.
func (s *State) Save(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	return atomicfile.Write(path, func(f *os.File) error {
		_, err := f.Write(append(b, '\n'))
		return err
	})
}

// unchanged reports whether c was written by the last run as it is now.
func (s *State) unchanged(id int64, updateDT string) bool {
	u, ok := s.Seen[id]
	return ok && u == updateDT
}

// observe records that c is in the output (written now, or unchanged since the last run).
func (s *State) observe(id int64, updateDT string) {
	if len(updateDT) < 10 {
		return
	}
	day := updateDT[:10]
	switch cur := s.Day(); {
	case day > cur:
		s.Newest = updateDT
		s.Seen = map[int64]string{id: updateDT}
	case day == cur:
		s.Seen[id] = updateDT
		if updateDT > s.Newest {
			s.Newest = updateDT
		}
	}
}

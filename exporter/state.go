package exporter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
)

// State is what an incremental export remembers between runs.
//
// The service filters updates by whole days, so the next run asks for updated_start = the
// day of Newest and gets again what it already wrote that day; Seen lists those companies
// (id -> updateDT), so that a company is written again only when its updateDT changed.
// Seen holds one day's updates at most.
type State struct {
	Version int              `json:"version"`
	Newest  string           `json:"newest_update"` // "2018-02-03 00:00:00"; "" before the first run
	Seen    map[int64]string `json:"seen"`          // companies written with updateDT on Newest's day
	Source  string           `json:"source"`        // what was exported, to warn when it changes
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

package importer

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// The journal is a JSON-lines file: a header naming the run, then one line per finished row.
// Lines are appended as rows finish and synced to disk in batches, so after a crash at most
// the last batch is lost, and those rows are found again by their key before anything is
// created (see Import).
const (
	journalKind      = "bangwo8-etl import journal"
	journalSyncEvery = 50
	journalSyncAfter = time.Second
)

type journalHeader struct {
	Kind    string `json:"journal"`
	Version int    `json:"version"`
	Input   string `json:"input"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	Mapping string `json:"mapping_sha256"`
	Mode    Mode   `json:"mode"`
}

// JournalEntry is one finished row.
type JournalEntry struct {
	Row    int           `json:"row"`
	Key    string        `json:"key,omitempty"`
	Action report.Action `json:"action"`
	UID    int64         `json:"uId,omitempty"`
}

// actionCreating marks, in the journal, a create about to be sent: a row that has it but no
// finished entry may have been created by a run that was killed before it heard the answer.
const actionCreating report.Action = "creating"

type journal struct {
	f        *os.File
	done     map[int]JournalEntry // rows finished by earlier runs
	intents  map[int]bool         // rows whose create an earlier run sent without recording the outcome
	pending  int
	lastSync time.Time
}

// FileDigest returns the size and SHA-256 of the file at path.
func FileDigest(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// openJournal opens or creates the journal at path for a run described by want. An existing
// journal must have been written for the same input, mapping and mode. A torn last line (the
// process was killed while writing it) is cut off.
func openJournal(path string, want journalHeader) (*journal, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(data) == 0) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		j := &journal{f: f, done: map[int]JournalEntry{}, intents: map[int]bool{}, lastSync: time.Now()}
		if err := j.append(want); err != nil {
			f.Close()
			return nil, err
		}
		if err := j.sync(); err != nil {
			f.Close()
			return nil, err
		}
		return j, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	good := bytes.LastIndexByte(data, '\n') + 1 // everything after the last newline is torn
	j := &journal{done: map[int]JournalEntry{}, intents: map[int]bool{}, lastSync: time.Now()}
	sc := bufio.NewScanner(bytes.NewReader(data[:good]))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			var h journalHeader
			if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Kind != journalKind {
				return nil, fmt.Errorf("journal %s: line 1 is not a bangwo8-etl import journal header", path)
			}
			if err := h.matches(want); err != nil {
				return nil, fmt.Errorf("journal %s: %w: %v; use another journal file", path, ErrJournalMismatch, err)
			}
			continue
		}
		var e JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Row <= 0 {
			return nil, fmt.Errorf("journal %s: line %d is not a journal entry", path, line)
		}
		if e.Action == actionCreating {
			j.intents[e.Row] = true
			continue
		}
		j.done[e.Row] = e
	}
	for row := range j.done {
		delete(j.intents, row)
	}
	if line == 0 {
		return nil, fmt.Errorf("journal %s: no header line", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := f.Truncate(int64(good)); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: %w", err)
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: %w", err)
	}
	j.f = f
	return j, nil
}

func (h journalHeader) matches(want journalHeader) error {
	switch {
	case h.Size != want.Size || h.SHA256 != want.SHA256:
		return fmt.Errorf("it was written for another input file (%s, %d bytes)", h.Input, h.Size)
	case h.Mapping != want.Mapping:
		return errors.New("it was written with another mapping file")
	case h.Mode != want.Mode:
		return fmt.Errorf("it was written in mode %s, not %s", h.Mode, want.Mode)
	}
	return nil
}

func (j *journal) append(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// record appends a finished row; the file is synced every journalSyncEvery rows or
// journalSyncAfter, whichever comes first.
func (j *journal) record(e JournalEntry) error {
	if err := j.append(e); err != nil {
		return err
	}
	j.pending++
	if j.pending >= journalSyncEvery || time.Since(j.lastSync) >= journalSyncAfter {
		return j.sync()
	}
	return nil
}

// intend records that the create of row is about to be sent. It is written before the
// request, so that a run killed before the answer leaves a trace; the OS keeps it even if the
// process dies before the next sync.
func (j *journal) intend(row int, key string) error {
	return j.append(JournalEntry{Row: row, Key: key, Action: actionCreating})
}

func (j *journal) sync() error {
	j.pending = 0
	j.lastSync = time.Now()
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

func (j *journal) close() error {
	err := j.sync()
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("journal: %w", cerr)
	}
	return err
}

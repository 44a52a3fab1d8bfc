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
	"strconv"
	"strings"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/internal/runlock"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// The journal is a JSON-lines file: a header naming the run, then one line per finished row.
// Lines are appended as rows finish and synced to disk in batches, so after a crash at most
// the last batch is lost, and those rows are found again by their key before anything is
// created (see Import).
//
// A journal belongs to the account, the server and the mapping it was written with, not to
// the bytes of the input: a person fixes the invalid rows of the file and runs the same
// command again, and the rows are recognised by their identity (rowIdentity), not by their
// number or the file's digest.
const (
	journalKind      = "bangwo8-etl import journal"
	journalSyncEvery = 50
	journalSyncAfter = time.Second
)

// journalVersion 2 binds a journal to the account, server and mapping and recognises rows
// by identity, and keeps for undo the values before and after of the fields an update
// changes, and an update's intent; version 1 bound it to the input's bytes and rows by number.
const journalVersion = 2

type journalHeader struct {
	Kind    string `json:"journal"`
	Version int    `json:"version"`
	Input   string `json:"input"` // for people: the file the journal was started with
	Account string `json:"account"`
	Server  string `json:"server"`
	Mapping string `json:"mapping_sha256"`
	Mode    Mode   `json:"mode"`
}

// JournalEntry is one finished row, or the intent of a write about to be sent.
type JournalEntry struct {
	Row    int           `json:"row"`
	ID     string        `json:"id"` // rowIdentity
	Key    string        `json:"key,omitempty"`
	Action report.Action `json:"action"`
	UID    int64         `json:"uId,omitempty"`
	// Changes are the fields an update changes, with the values before and after: what undo
	// restores (see FieldChange).
	Changes []FieldChange `json:"changes,omitempty"`
}

// rowIdentity is how a journal recognises a row across runs and fixes of the file: by its
// match key, or, for a row without one, by what it writes, so that a row fixed since is
// another row and is written. Twins (rows with the same values, when the mapping allows
// them) are told apart by their order: the second is "content:...#2".
func rowIdentity(rec *mapping.Record) string {
	if rec.Key != "" {
		return "key:" + rec.Key
	}
	d := contentDigest(rec)
	id := "content:" + hex.EncodeToString(d[:])
	if rec.Twin > 1 {
		id += "#" + strconv.Itoa(rec.Twin)
	}
	return id
}

// contentDigest identifies what a row writes.
func contentDigest(rec *mapping.Record) [16]byte {
	h := sha256.New()
	for _, v := range rec.Values {
		fmt.Fprintf(h, "%s=%q\n", v.Column.Field, v.Text)
	}
	var d [16]byte
	copy(d[:], h.Sum(nil))
	return d
}

// Intents, in the journal, of a write about to be sent. A row that has one but no finished
// entry may have been written by a run that was killed before it heard the answer: a create
// is looked up before it is sent again, and undo checks an update's fields.
const (
	ActionCreating report.Action = "creating"
	ActionUpdating report.Action = "updating"
)

type journal struct {
	lock     *runlock.Lock // the run's alone with the file (see openJournal)
	f        *os.File
	done     map[string]JournalEntry // rows finished by earlier runs, by rowIdentity
	intents  map[string]bool         // rows whose create an earlier run sent without recording the outcome
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

// openJournal opens or creates the journal at path for a run described by want, and holds it
// for this run alone (runlock): a second run on the same journal is refused with a
// *runlock.HeldError naming the process. An existing journal must have been written for the
// same account, server, mapping and mode. A torn last line (the process was killed while
// writing it) is cut off; a damaged line before the last is refused with the way to recover
// (*JournalDamageError).
//
// The file is opened O_APPEND and each entry is one write: every line lands whole at the
// end, whatever else writes there.
func openJournal(path string, want journalHeader) (_ *journal, err error) {
	lock, err := runlock.Acquire(path, "bangwo8-etl import --in "+want.Input)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer func() {
		if err != nil {
			lock.Release()
		}
	}()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(data) == 0) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		j := &journal{lock: lock, f: f, done: map[string]JournalEntry{}, intents: map[string]bool{}, lastSync: time.Now()}
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
	j := &journal{lock: lock, done: map[string]JournalEntry{}, intents: map[string]bool{}, lastSync: time.Now()}
	sc := bufio.NewScanner(bytes.NewReader(data[:good]))
	sc.Buffer(make([]byte, 64<<10), 16<<20) // an update's line carries its old and new values
	line := 0
	var damaged []int
	for sc.Scan() {
		line++
		if line == 1 {
			var h journalHeader
			if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Kind != journalKind {
				return nil, fmt.Errorf("journal %s: line 1 is not a bangwo8-etl import journal header", path)
			}
			if err := h.matches(want); err != nil {
				return nil, fmt.Errorf("journal %s: %w: %v; to start afresh, use another journal file", path, ErrJournalMismatch, err)
			}
			continue
		}
		var e JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Row <= 0 || e.ID == "" {
			damaged = append(damaged, line)
			continue
		}
		if len(damaged) > 0 {
			continue // only counted: the run does not start
		}
		switch e.Action {
		case ActionCreating:
			j.intents[e.ID] = true
			continue
		case ActionUpdating: // for undo; the run plans the row afresh
			continue
		}
		j.done[e.ID] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal %s: line %d: %w", path, line+1, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("journal %s: no header line", path)
	}
	if len(damaged) > 0 {
		return nil, &JournalDamageError{Path: path, Lines: damaged, Kept: len(j.done)}
	}
	for id := range j.done {
		delete(j.intents, id)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := f.Truncate(int64(good)); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: %w", err)
	}
	j.f = f
	return j, nil
}

// JournalDamageError is a journal with lines that are not entries before its last line: not
// a run killed mid-write (that tears the last line only, which is cut off), but a file
// edited, or two runs that wrote it at once before runs were locked. Nothing is written.
type JournalDamageError struct {
	Path  string
	Lines []int // the damaged lines, from 1
	Kept  int   // rows recorded as finished before the first damaged line
}

func (e *JournalDamageError) Error() string {
	lines := make([]string, len(e.Lines))
	for i, n := range e.Lines {
		lines[i] = strconv.Itoa(n)
	}
	return fmt.Sprintf("journal %s: line %s %s damaged (not a journal entry); nothing was written. "+
		"The %d rows recorded before line %d are intact. To go on, open the journal in a text editor, delete the damaged line(s) "+
		"and run the same command again: the rows they recorded are looked up by their key before anything is created",
		e.Path, strings.Join(lines, ", "), plural(len(lines), "is", "are"), e.Kept, e.Lines[0])
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (h journalHeader) matches(want journalHeader) error {
	switch {
	case h.Version != want.Version:
		return fmt.Errorf("it was written by another version of bangwo8-etl (journal version %d, not %d)", h.Version, want.Version)
	case h.Account != want.Account:
		return fmt.Errorf("it was written for account %q, not %q", h.Account, want.Account)
	case h.Server != want.Server:
		return fmt.Errorf("it was written for the server %s, not %s", h.Server, want.Server)
	case h.Mapping != want.Mapping:
		return errors.New("it was written with another mapping file (or the mapping file was changed since)")
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
func (j *journal) intend(row int, id, key string) error {
	return j.append(JournalEntry{Row: row, ID: id, Key: key, Action: ActionCreating})
}

// intendUpdate records, as intend does, that an update of company uid is about to be sent,
// with the fields it changes: undo then checks them even if the run dies before the answer.
func (j *journal) intendUpdate(row int, id, key string, uid int64, changes []FieldChange) error {
	return j.append(JournalEntry{Row: row, ID: id, Key: key, Action: ActionUpdating, UID: uid, Changes: changes})
}

func (j *journal) sync() error {
	j.pending = 0
	j.lastSync = time.Now()
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// close syncs and closes the journal and lets the next run have it.
func (j *journal) close() error {
	defer j.lock.Release()
	if j.f == nil { // a dry run's: read, never written
		return nil
	}
	err := j.sync()
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("journal: %w", cerr)
	}
	return err
}

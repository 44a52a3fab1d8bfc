package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// FieldChange is one field an update changed, as the journal keeps it for undo: the value the
// company had before, and the value the update wrote, both as the API holds them (a custom
// field's list stays a list), so that undo can tell whether the field changed again since and
// send the old value back as it was.
type FieldChange struct {
	Field  string `json:"field"`            // JSON key or custom.<key>
	Header string `json:"header,omitempty"` // the sheet's column, for people
	// Old and New are nil for a sensitive field (the service password): the journal never
	// keeps its values, so undo cannot restore it and says so.
	Old       *bangwo8.FieldValue `json:"old,omitempty"`
	New       *bangwo8.FieldValue `json:"new,omitempty"`
	Sensitive bool                `json:"sensitive,omitempty"`
}

// fieldChanges are the changes of an update of before with the body in, as the journal keeps
// them before the update is sent: New is the value sent.
func fieldChanges(before *bangwo8.Company, in *bangwo8.CompanyInput, changes []mapping.Change) []FieldChange {
	out := make([]FieldChange, len(changes))
	for i, c := range changes {
		fc := FieldChange{Field: c.Field, Header: c.Header}
		if info, ok := field.Lookup(field.Key(c.Field)); ok && info.Sensitive {
			fc.Sensitive = true
			out[i] = fc
			continue
		}
		old, _ := companyValue(before, c.Field)
		sent, _ := inputValue(in, c.Field)
		fc.Old, fc.New = &old, &sent
		out[i] = fc
	}
	return out
}

// written sets the New of each change to the value after holds, the company as the service
// answered the update: what it stored, which undo compares the company with later. A custom
// field the answer leaves out keeps the value sent.
func written(changes []FieldChange, after *bangwo8.Company) []FieldChange {
	out := make([]FieldChange, len(changes))
	for i, c := range changes {
		if !c.Sensitive && after != nil {
			if v, ok := companyValue(after, c.Field); ok {
				c.New = &v
			}
		}
		out[i] = c
	}
	return out
}

// companyValue is the value of the field (a JSON key or custom.<key>) in c, and whether c has
// it.
func companyValue(c *bangwo8.Company, name string) (bangwo8.FieldValue, bool) {
	if key, ok := strings.CutPrefix(name, "custom."); ok {
		return c.Custom(key)
	}
	s, ok := c.Get(field.Key(name))
	return bangwo8.Text(s), ok
}

// inputValue is the value the body in sets for the field, and whether it sets it.
func inputValue(in *bangwo8.CompanyInput, name string) (bangwo8.FieldValue, bool) {
	if key, ok := strings.CutPrefix(name, "custom."); ok {
		for _, f := range in.CustomFields {
			if f.Key == key {
				return f.Value, true
			}
		}
		return bangwo8.FieldValue{}, false
	}
	s, ok := in.Get(field.Key(name))
	return bangwo8.Text(s), ok
}

// Journal is what a journal says an import did, for undo.
type Journal struct {
	Path    string
	Input   string // the imported file, as the run named it
	Mode    Mode
	Version int
	// Account and Server (the base URL) name the service the run wrote to; empty in a
	// journal written before they were recorded.
	Account, Server string
	// Entries are the lines after the header, in file order: finished rows and the intents
	// of writes (ActionCreating, ActionUpdating). A torn last line is left out.
	Entries []JournalEntry
}

// ReadJournal reads the journal at path without changing it. A journal of another version is
// refused: the version 1 kept no values before an update and did not name the service.
func ReadJournal(path string) (*Journal, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	good := bytes.LastIndexByte(data, '\n') + 1 // everything after the last newline is torn
	sc := bufio.NewScanner(bytes.NewReader(data[:good]))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var j *Journal
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			var h journalHeader
			if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Kind != journalKind {
				return nil, fmt.Errorf("journal %s: line 1 is not a bangwo8-etl import journal header", path)
			}
			if h.Version != journalVersion {
				return nil, fmt.Errorf("journal %s was written by another version of bangwo8-etl (journal version %d, not %d), which did not record the service or the values before each update", path, h.Version, journalVersion)
			}
			j = &Journal{Path: path, Input: h.Input, Mode: h.Mode, Version: h.Version, Account: h.Account, Server: h.Server}
			continue
		}
		var e JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Row <= 0 || e.ID == "" {
			return nil, fmt.Errorf("journal %s: line %d is not a journal entry", path, line)
		}
		j.Entries = append(j.Entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if j == nil {
		return nil, fmt.Errorf("journal %s: no header line", path)
	}
	return j, nil
}

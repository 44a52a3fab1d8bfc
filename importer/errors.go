package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// HeaderError is a header row that the mapping cannot read: a required or match column is
// missing, or a header appears twice. No row is read after it.
type HeaderError struct {
	File     string
	Sheet    string
	Problems []mapping.Problem // errors and warnings, as Bind reported them
}

func (e *HeaderError) Error() string {
	var msgs []string
	for _, p := range e.Problems {
		if p.Severity == mapping.Error {
			msgs = append(msgs, p.Error())
		}
	}
	where := e.File
	if e.Sheet != "" {
		where += fmt.Sprintf(": sheet %q", e.Sheet)
	}
	return fmt.Sprintf("%s: header: %s", where, strings.Join(msgs, "; "))
}

// ErrJournalMismatch is the error of a journal written for another input file, mapping or
// mode.
var ErrJournalMismatch = errors.New("the journal belongs to another run")

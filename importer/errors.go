package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// InputError is a spreadsheet that cannot be read: not a workbook, no such sheet, a CSV
// syntax error. It names the file and, when known, the sheet, row (xlsx) or line and column
// (CSV).
type InputError struct {
	File   string
	Sheet  string
	Row    int // xlsx row, from 1
	Line   int // CSV line, from 1
	Column int // CSV column (in characters), from 1
	Err    error
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, ": sheet %q", e.Sheet)
	}
	if e.Row > 0 {
		fmt.Fprintf(&b, ": row %d", e.Row)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ", column %d", e.Column)
		}
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

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

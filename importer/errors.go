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
	// Header is the row taken for the header (the first that is not blank, when none of the
	// top rows holds the required headers), and HeaderRow its number.
	Header    []string
	HeaderRow int
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
	return fmt.Sprintf("%s: header: %s; %s", where, strings.Join(msgs, "; "), e.Holds())
}

// Holds says what the header row holds, so that a person sees why the headers were not
// found: "row 1 holds A 公司名称, B 服务帐号".
func (e *HeaderError) Holds() string {
	var cells []string
	for i, h := range e.Header {
		if h = strings.TrimSpace(h); h != "" {
			cells = append(cells, mapping.ColumnLetter(i)+" "+h)
		}
	}
	return fmt.Sprintf("row %d holds %s", e.HeaderRow, listShort(cells, 30))
}

// ErrJournalMismatch is the error of a journal written for another account, server, mapping
// or mode.
var ErrJournalMismatch = errors.New("the journal belongs to another run")

package sheet

import (
	"fmt"
	"strings"
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

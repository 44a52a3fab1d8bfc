package mapping

import (
	"fmt"
	"strings"
)

// ReadOptions describe the spreadsheet being imported.
type ReadOptions struct {
	// DateSystem of the workbook, for date cells read as Excel serials (CSV: Date1900).
	DateSystem DateSystem
	// HeaderRow is the sheet row number of the header, for messages; 0 means 1.
	HeaderRow int
}

// Binding ties the columns of one spreadsheet to the columns of a mapping, after its header
// row was read. It is read-only once built and safe for concurrent use.
type Binding struct {
	mapping *Mapping
	opts    ReadOptions
	cols    []boundColumn // in mapping order, only the columns the sheet has
}

type boundColumn struct {
	col   *Column
	index int // 0-based index in the sheet row
}

// normalizeHeader makes the headers people type comparable: surrounding white space (full-width
// too) and byte order marks go, full-width letters and brackets become ASCII, and runs of
// white space inside become one space.
func normalizeHeader(h string) string {
	h = strings.ReplaceAll(h, "\uFEFF", "")
	h = strings.ReplaceAll(h, "\u200B", "")
	return strings.Join(strings.Fields(foldWidth(h)), " ")
}

// Bind reads the header row of a sheet. Columns the mapping does not know are ignored and
// reported as warnings; a missing required or match column, or a mapped header that appears
// twice, is an error. The binding is nil when there is any error.
func (m *Mapping) Bind(header []string, opts ReadOptions) (*Binding, []Problem) {
	if opts.HeaderRow == 0 {
		opts.HeaderRow = 1
	}
	b := &Binding{mapping: m, opts: opts}
	var problems []Problem
	at := map[*Column]int{}
	for i, raw := range header {
		h := normalizeHeader(raw)
		if h == "" {
			continue
		}
		p := Problem{Row: opts.HeaderRow, Column: i, Letter: ColumnLetter(i), Header: raw, Value: raw}
		c := m.byHeader[h]
		switch {
		case c == nil:
			p.Rule, p.Severity = RuleUnknownColumn, Warning
			p.Message = fmt.Sprintf("column %q is not in the mapping: ignored", strings.TrimSpace(raw))
			problems = append(problems, p)
		case at[c] > 0:
			p.Rule = RuleDuplicateHeader
			p.Message = fmt.Sprintf("header %q appears twice: columns %s and %s", c.Header, ColumnLetter(at[c]-1), p.Letter)
			problems = append(problems, p)
		default:
			at[c] = i + 1
		}
	}
	for _, c := range m.Columns {
		if i := at[c]; i > 0 {
			b.cols = append(b.cols, boundColumn{col: c, index: i - 1})
			continue
		}
		if c.ReadOnly && c.Field != m.Match {
			continue // exported for reference; an import does not need it
		}
		p := Problem{Row: opts.HeaderRow, Column: -1, Header: c.Header, Rule: RuleMissingColumn}
		switch {
		case c.Required:
			p.Message = fmt.Sprintf("required column %q is missing", c.Header)
		case c.Field == m.Match:
			p.Message = fmt.Sprintf("column %q is missing: rows are matched by it", c.Header)
		default:
			p.Severity = Warning
			p.Message = fmt.Sprintf("column %q is missing: field %s is left as it is", c.Header, c.Field)
		}
		problems = append(problems, p)
	}
	for _, p := range problems {
		if p.Severity == Error {
			return nil, problems
		}
	}
	return b, problems
}

// ColumnLetter is the spreadsheet name of a 0-based column index: 0 is A, 26 is AA.
func ColumnLetter(i int) string {
	if i < 0 {
		return ""
	}
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

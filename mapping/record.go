package mapping

import (
	"fmt"
	"strconv"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// Severity says whether a problem stops a row (Error) or is only worth telling (Warning).
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Problem is one broken rule in a header or a row, with everything a report needs to point at
// the cell.
type Problem struct {
	Row      int    // sheet row number, from 1
	Column   int    // 0-based sheet column index; -1 for a column the sheet lacks
	Letter   string // the column's letter ("A"); "" for a column the sheet lacks
	Header   string
	Value    string // the cell as read; "***" for a sensitive field
	Rule     Rule
	Severity Severity
	Message  string // English; translate by Rule
	// Suggestion is, for a missing column, the sheet's header that is almost its header (服务帐号
	// for 服务账号); "" for none.
	Suggestion string
}

func (p Problem) Error() string {
	at := fmt.Sprintf("row %d", p.Row)
	if p.Letter != "" {
		at += ", column " + p.Letter
	}
	if p.Header != "" {
		at += fmt.Sprintf(" (%s)", p.Header)
	}
	if p.Value != "" {
		return fmt.Sprintf("%s: %q: %s", at, p.Value, p.Message)
	}
	return at + ": " + p.Message
}

// Record is one imported row: converted, checked, and ready to be written.
type Record struct {
	Row int // the sheet row number
	// Key is the canonical value of the match column ("" when the mapping has no match key
	// or the cell is empty); UID is the uId column's value, 0 when there is none.
	Key string
	UID int64
	// Values are the converted cells of the columns that are written (not uId, not read-only
	// columns), in mapping order.
	Values []Value
	// Input sets every field of Values: the body of a create.
	Input bangwo8.CompanyInput
	// Twin is, for a row without a key that repeats earlier rows exactly (the mapping allows
	// duplicates), how many rows before it have its values, plus one: 2 for the second of
	// twins. 0 (or 1) for any other row. Set by the program that checks the rows in order
	// (the importer), so that it can tell twins apart.
	Twin int
}

// Value is one converted cell.
type Value struct {
	Column *Column
	Raw    string   // the cell as read, the formula escape removed
	Text   string   // canonical: what an export of the same value writes ("2017-01-01", "1" for an enum)
	Elems  []string // the elements of a list or cascade value
	// Set is false when the cell was empty and the column keeps empty cells (the default;
	// status and uId always): the field is then neither written nor compared.
	Set bool
	// Clear is true when the cell clears the field: it holds the clear marker (ClearMarker),
	// or it is empty in a column with empty: clear. Text is then "" ("0" for a group).
	Clear bool
}

// Blank reports whether every cell that the binding reads is empty: such rows (often left at
// the end of a sheet) are skipped, not reported.
func (b *Binding) Blank(cells []string) bool {
	for _, bc := range b.cols {
		if bc.index < len(cells) && trimSpace(cells[bc.index]) != "" {
			return false
		}
	}
	return true
}

// Record converts the cells of sheet row number row. The record is nil when any cell breaks a
// rule; every broken rule is reported, not only the first.
func (b *Binding) Record(row int, cells []string) (*Record, []Problem) {
	r := &Record{Row: row}
	var problems []Problem
	for _, bc := range b.cols {
		c := bc.col
		if c.ReadOnly && !c.Is(field.UID) {
			continue
		}
		raw := ""
		if bc.index < len(cells) {
			raw = UnescapeFormula(cells[bc.index])
		}
		v, err := b.value(c, raw)
		if err != nil {
			shown := raw
			if c.sensitive() && shown != "" {
				shown = "***"
			}
			problems = append(problems, Problem{Row: row, Column: bc.index, Letter: ColumnLetter(bc.index),
				Header: c.Header, Value: shown, Rule: err.rule, Message: err.msg})
			continue
		}
		if c.Is(field.UID) {
			r.UID, _ = strconv.ParseInt(v.Text, 10, 64) // canonical int, or "" (0)
			if c.Field == b.mapping.Match && r.UID != 0 {
				r.Key = v.Text // an empty uId is no key: the row is new
			}
			continue
		}
		if c.Field == b.mapping.Match {
			r.Key = v.Text
		}
		r.Values = append(r.Values, v)
		if v.Set {
			setInput(&r.Input, v, c.As)
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return r, nil
}

// value converts one cell of column c.
func (b *Binding) value(c *Column, raw string) (Value, *cellError) {
	v := Value{Column: c, Raw: raw}
	s := c.cellText(raw)
	if IsClearMarker(s) {
		switch {
		case c.Required:
			return v, fail(RuleRequired, "required: the field cannot be cleared")
		case c.Is(field.UID) || c.Is(field.Status):
			return v, fail(RuleClear, "%s cannot be cleared", c.Field)
		}
		return c.cleared(v), nil
	}
	if s == "" && c.HasDefault {
		s = c.cellText(c.Default)
	}
	if s == "" {
		if c.Required {
			return v, fail(RuleRequired, "required: the cell is empty")
		}
		if c.ClearEmpty {
			return c.cleared(v), nil
		}
		return v, nil // kept: neither written nor compared
	}
	conv, err := c.convert(s, b.opts.DateSystem)
	if err != nil {
		return v, err
	}
	v.Text, v.Elems, v.Set = conv.text, conv.elems, true
	return v, nil
}

// cleared is v as a value that empties the field: "" ("0" for a group, the API's "none").
func (c *Column) cleared(v Value) Value {
	v.Set, v.Clear = true, true
	if c.holdsInt() {
		v.Text = "0"
	}
	return v
}

// cellText is the cell as the column reads it: trimmed, unless a text column keeps spaces.
func (c *Column) cellText(raw string) string {
	if c.Trim || c.Type != TypeText {
		return trimSpace(raw)
	}
	return raw
}

// redact hides a value of a sensitive column.
func (c *Column) redact(s string) string {
	if c.sensitive() && s != "" {
		return "***"
	}
	return s
}

// setInput sets the field of v in a create or update body; shape says how a custom list or
// cascade value is sent.
func setInput(in *bangwo8.CompanyInput, v Value, shape Shape) {
	c := v.Column
	if key, ok := c.CustomKey(); ok {
		fv := bangwo8.Text(v.Text)
		if shape == ShapeList {
			fv = bangwo8.List(v.Elems...)
		}
		for i := range in.CustomFields {
			if in.CustomFields[i].Key == key {
				in.CustomFields[i].Value = fv
				return
			}
		}
		in.CustomFields = append(in.CustomFields, bangwo8.CustomField{Key: key, Value: fv})
		return
	}
	// The error can be ignored: convert checked the value, and Record leaves the columns of
	// read-only fields (the only ones Set refuses) out of Values.
	_ = in.Set(field.Key(c.Field), v.Text)
}

package mapping

import (
	"strings"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// CellKind tells a spreadsheet writer how to store a cell.
type CellKind int

const (
	// CellText must be stored as text, so that ids, accounts, phone numbers and anything with
	// leading zeros or more digits than a spreadsheet number keeps stay as they are.
	CellText     CellKind = iota
	CellNumber            // Text is a plain decimal number ("-12.50")
	CellDate              // Time is set; Text is 2006-01-02
	CellDateTime          // Time is set; Text is 2006-01-02 15:04:05
)

// Cell is one exported cell.
type Cell struct {
	// Text is ready to write: for CellText it is already formula-escaped (see EscapeFormula),
	// so a writer must not escape it again. An empty Text is an empty cell.
	Text string
	Kind CellKind
	Time time.Time // for CellDate and CellDateTime, in UTC
}

// Row returns the cells of c in column order, the reverse of Binding.Record: importing the
// row gives c's values back, unchanged in the sense of Record.Diff. Values that do not fit a
// column's type (an API date the parser does not know) are written as text, never dropped.
func (m *Mapping) Row(c *bangwo8.Company) []Cell {
	return m.AppendRow(make([]Cell, 0, len(m.Columns)), c)
}

// AppendRow is Row appending to dst, for a writer that reuses one slice.
func (m *Mapping) AppendRow(dst []Cell, c *bangwo8.Company) []Cell {
	var custom map[string]int
	if len(c.CustomFields) > smallCustom && len(m.Columns) > smallCustom {
		// Thousands of custom fields: one look-up each, not a scan of them all per column.
		custom = make(map[string]int, len(c.CustomFields))
		for i, f := range c.CustomFields {
			if _, seen := custom[f.Key]; !seen { // the first wins, as in Company.Custom
				custom[f.Key] = i
			}
		}
	}
	for _, col := range m.Columns {
		dst = append(dst, col.cell(c, custom))
	}
	return dst
}

// smallCustom is the number of custom fields up to which a scan finds one as fast as a map.
const smallCustom = 16

// cell formats the value that column col maps in company c; custom, when not nil, indexes
// c's custom fields by key.
func (col *Column) cell(c *bangwo8.Company, custom map[string]int) Cell {
	var fv bangwo8.FieldValue
	if key, ok := col.CustomKey(); ok {
		if custom == nil {
			fv, _ = c.Custom(key)
		} else if i, ok := custom[key]; ok {
			fv = c.CustomFields[i].Value
		}
	} else {
		s, _ := c.Get(field.Key(col.Field))
		if col.Is(field.Status) && s == "0" {
			s = "" // absent, not a status
		}
		fv = bangwo8.Text(s)
	}
	if !fv.IsList() && fv.String() == "" {
		return Cell{}
	}
	return col.format(fv)
}

// format renders a non-empty API value the way an import reads it back.
func (col *Column) format(fv bangwo8.FieldValue) Cell {
	raw := fv.String()
	text := func(s string) Cell { return Cell{Text: EscapeFormula(s)} }
	switch col.Type {
	case TypeInt:
		v, err := col.convertType(raw, Date1900)
		if err != nil || col.holdsID() || !plainNumber(v.text) {
			return text(raw)
		}
		return Cell{Text: v.text, Kind: CellNumber}
	case TypeDecimal:
		d, ok := canonicalDecimal(raw)
		if !ok || !plainNumber(d) {
			return text(raw)
		}
		return Cell{Text: d, Kind: CellNumber}
	case TypeDate, TypeDateTime:
		t, _, err := parseDateTime(raw, Date1900)
		if err != nil {
			return text(raw)
		}
		if col.Type == TypeDate {
			if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
				return text(raw) // a time the date column cannot hold: keep it visible
			}
			return Cell{Text: dateText(raw, t, dateLayout), Kind: CellDate, Time: t}
		}
		return Cell{Text: dateText(raw, t, dateTimeLayout), Kind: CellDateTime, Time: t}
	case TypeEnum:
		if l, ok := col.enumLabel(strings.TrimSpace(raw)); ok {
			return text(l)
		}
	case TypeList:
		return text(strings.Join(col.elems(fv), ","))
	case TypeCascade:
		return text(strings.Join(col.elems(fv), "/"))
	case TypeCheckbox:
		if b, ok := parseCheckbox(raw); ok {
			return text(b)
		}
	}
	return text(raw)
}

// elems are the elements of a list or cascade value, whichever shape the API used.
func (col *Column) elems(fv bangwo8.FieldValue) []string {
	if fv.IsList() {
		var out []string
		for _, e := range fv.Strings() {
			if e = trimSpace(e); e != "" {
				out = append(out, e)
			}
		}
		return out
	}
	sep := listSepRE
	if col.Type == TypeCascade {
		sep = cascadeRE
	}
	return splitList(fv.String(), sep)
}

// plainNumber reports whether a spreadsheet can store the decimal s as a number without
// changing it: no leading zero and at most 15 significant digits (a double's exact range).
func plainNumber(s string) bool {
	t := strings.TrimPrefix(s, "-")
	if len(t) > 1 && t[0] == '0' && t[1] != '.' {
		return false
	}
	digits := strings.TrimLeft(strings.ReplaceAll(t, ".", ""), "0")
	return len(digits) <= 15
}

// ImportRule is the rule an import of the exported cell c would break in column col, as a
// validation of the exported file would find it; "" when the cell reads back. Read-only and
// uId columns are never imported and break nothing. An export calls it to warn that the
// account holds values the mapping's own rules refuse (a choice not in its list, a datetime
// in a date column), before a person finds out by importing the file back.
func (col *Column) ImportRule(c Cell) Rule {
	if col.ReadOnly || col.Is(field.UID) {
		return ""
	}
	b := Binding{opts: ReadOptions{DateSystem: Date1900}}
	if _, err := b.value(col, UnescapeFormula(c.Text)); err != nil {
		return err.rule
	}
	return ""
}

// dateText is t in layout: raw itself when it is already spelled so (the API's dates are), which
// spares formatting every date of an export.
func dateText(raw string, t time.Time, layout string) string {
	if len(raw) == len(layout) {
		if u, _, ok, err := canonicalDateTime(raw); ok && err == nil && u.Equal(t) {
			return raw
		}
	}
	return t.Format(layout)
}

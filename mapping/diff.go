package mapping

import (
	"slices"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// Change is one field that a record would change.
type Change struct {
	Field  string // JSON key or custom.<key>
	Header string
	Old    string // as an export shows it; "***" for a sensitive field
	New    string
}

// Diff returns the fields of existing that r would change, in column order. Values are
// compared by meaning, not spelling: dates and numbers by value, text trimmed when the column
// trims, lists by their elements whatever their shape, so a row exported and imported again
// without edits has no changes.
func (r *Record) Diff(existing *bangwo8.Company) []Change {
	var out []Change
	for _, v := range r.Values {
		if !v.Set {
			continue
		}
		old := current(existing, v.Column)
		if v.Column.same(old, v) {
			continue
		}
		out = append(out, Change{
			Field:  v.Column.Field,
			Header: v.Column.Header,
			Old:    v.Column.redact(old.text),
			New:    v.Column.redact(v.Text),
		})
	}
	return out
}

// Changed returns the fields (JSON keys or custom.<key>) that r would change in existing.
func (r *Record) Changed(existing *bangwo8.Company) []string {
	var out []string
	for _, c := range r.Diff(existing) {
		out = append(out, c.Field)
	}
	return out
}

// Update returns the body of an update of existing: only the fields that change. A custom
// list or cascade value keeps the shape (array or string) the company already has, so the API
// gets back what it gave. The body sets nothing when changes is empty.
func (r *Record) Update(existing *bangwo8.Company) (in bangwo8.CompanyInput, changes []Change) {
	changes = r.Diff(existing)
	for _, ch := range changes {
		for _, v := range r.Values {
			if v.Column.Field != ch.Field {
				continue
			}
			sv, shape := withShapeOf(existing, v)
			setInput(&in, sv, shape)
		}
	}
	return in, changes
}

// withShapeOf returns v, and the shape its custom field has in existing (the column's As
// when existing lacks it). A text column holding an API list (an export joins it with "/") is
// split on "/" again.
func withShapeOf(existing *bangwo8.Company, v Value) (Value, Shape) {
	key, ok := v.Column.CustomKey()
	if !ok {
		return v, ""
	}
	fv, had := existing.Custom(key)
	if !had {
		return v, v.Column.As
	}
	if !fv.IsList() {
		return v, ShapeText
	}
	if v.Column.Type != TypeList && v.Column.Type != TypeCascade {
		v.Elems = splitList(v.Text, cascadeRE)
	}
	return v, ShapeList
}

// oldValue is an existing field as the column reads it.
type oldValue struct {
	text  string
	elems []string
	list  bool // the API holds an array
}

// current reads the field of column c from existing.
func current(existing *bangwo8.Company, c *Column) oldValue {
	if key, ok := c.CustomKey(); ok {
		fv, _ := existing.Custom(key)
		o := oldValue{text: fv.String(), list: fv.IsList()}
		if c.Type == TypeList || c.Type == TypeCascade {
			o.elems = c.elems(fv)
		}
		return o
	}
	s, _ := existing.Get(field.Key(c.Field))
	o := oldValue{text: s}
	if c.Type == TypeList || c.Type == TypeCascade {
		o.elems = c.elems(bangwo8.Text(s))
	}
	return o
}

// same reports whether the existing value already equals the record's value.
func (c *Column) same(old oldValue, v Value) bool {
	switch c.Type {
	case TypeList, TypeCascade:
		return slices.Equal(old.elems, v.Elems)
	case TypeText:
		if c.Trim {
			return trimSpace(old.text) == v.Text
		}
		return old.text == v.Text
	case TypeDecimal:
		// The service stores an empty decimal as zero ("0.00"), so empty and zero are the same
		// value; otherwise a hand-filled file with an empty 服务费余额 never becomes unchanged.
		if trimSpace(old.text) == "" || v.Text == "" {
			return isZeroDecimal(old.text) && isZeroDecimal(v.Text)
		}
		d, ok := canonicalDecimal(old.text)
		return ok && decimalEqual(d, v.Text)
	}
	t := trimSpace(old.text)
	if t == "" {
		return v.Text == "" || (c.holdsInt() && v.Text == "0")
	}
	conv, err := c.convertType(t, Date1900)
	if err != nil {
		return t == v.Text
	}
	return conv.text == v.Text
}

// isZeroDecimal reports whether s is empty or a decimal zero ("0", "0.00", "-0").
func isZeroDecimal(s string) bool {
	s = trimSpace(s)
	if s == "" {
		return true
	}
	d, ok := canonicalDecimal(s)
	return ok && decimalEqual(d, "0")
}

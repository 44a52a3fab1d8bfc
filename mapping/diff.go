package mapping

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// Change is one field that a record would change.
type Change struct {
	Field  string // JSON key or custom.<key>
	Header string
	Old    string // as an export shows it; "***" for a sensitive field
	New    string // "" when the change clears the field
	Clear  bool   // the cell clears the field (the clear marker, or empty: clear)
}

// Kept is a text cell that a spreadsheet program changed on its way through (see Mangling):
// the company's value is kept, not overwritten with the mangled one.
type Kept struct {
	Field, Header string
	Cell          string // what the sheet holds
	Current       string // what the company holds, and keeps
	How           Mangling
}

// Mangling is how a spreadsheet program changes a digit string it takes for a number.
type Mangling string

const (
	LostZeros    Mangling = "leading_zeros" // 00123 -> 123
	Scientific   Mangling = "scientific"    // 123456789012 -> 1.23457E+11
	TrailingZero Mangling = "trailing_zero" // 123 -> 123.0
)

var (
	digitsRE       = regexp.MustCompile(`^[0-9]+$`)
	trailingZeroRE = regexp.MustCompile(`^([0-9]+)\.0+$`)
	scientificRE   = regexp.MustCompile(`^[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+$`)
)

// Mangled says how a spreadsheet program turned current, a text value made of digits (an
// account, a phone number, a code), into cell, or "" when cell is not such a change of it.
func Mangled(current, cell string) Mangling {
	cur, c := trimSpace(current), trimSpace(cell)
	if cur == c || !digitsRE.MatchString(cur) {
		return ""
	}
	if m := trailingZeroRE.FindStringSubmatch(c); m != nil && (m[1] == cur || m[1] == noLeadingZeros(cur)) {
		return TrailingZero
	}
	if digitsRE.MatchString(c) && c == noLeadingZeros(cur) {
		return LostZeros
	}
	// The sheet shows as many significant digits as its column is wide: the company's value
	// rounded to as many digits must read the same. More digits than a double holds were
	// typed, not written by a program.
	if n, form, ok := ScientificForm(c); ok {
		if g, err := strconv.ParseFloat(cur, 64); err == nil && strconv.FormatFloat(g, 'e', n-1, 64) == form {
			return Scientific
		}
	}
	return ""
}

// MayBeMangled reports whether a key could be a digit string a spreadsheet program changed:
// digits, digits with a trailing .0, or scientific notation. A key like that which finds no
// company is looked for among the companies whose key it may have been (see Mangled).
func MayBeMangled(key string) bool {
	k := trimSpace(key)
	return digitsRE.MatchString(k) || trailingZeroRE.MatchString(k) || scientificRE.MatchString(k)
}

// ScientificForm is a key in scientific notation as it compares with a digit string it may
// stand for: its significant digits and its value at that many digits ("1.23457e+11"); ok is
// false for another key. A digit string v is what the key stood for when
// strconv.FormatFloat(v, 'e', digits-1, 64) is form (see Mangled), so a list of companies is
// matched against many such keys through a map.
func ScientificForm(key string) (digits int, form string, ok bool) {
	c := trimSpace(key)
	if !scientificRE.MatchString(c) {
		return 0, "", false
	}
	mantissa, _, _ := strings.Cut(strings.ToLower(c), "e")
	n := max(significantDigits(mantissa), 1)
	f, err := strconv.ParseFloat(c, 64)
	if n > 17 || err != nil {
		return 0, "", false
	}
	return n, strconv.FormatFloat(f, 'e', n-1, 64), true
}

// ManglingBase is the form of a digit key that lost its leading zeros or gained a .0: the
// digits without leading zeros, "" for a key in scientific notation (compare with Mangled).
func ManglingBase(key string) string {
	k := trimSpace(key)
	if m := trailingZeroRE.FindStringSubmatch(k); m != nil {
		k = m[1]
	}
	if !digitsRE.MatchString(k) {
		return ""
	}
	return noLeadingZeros(k)
}

func noLeadingZeros(s string) string {
	if t := strings.TrimLeft(s, "0"); t != "" {
		return t
	}
	return "0"
}

// Diff returns the fields of existing that r would change, in column order. Values are
// compared by meaning, not spelling: dates and numbers by value, text trimmed when the column
// trims, lists by their elements whatever their shape, so a row exported and imported again
// without edits has no changes. A text cell that a spreadsheet program mangled (see Kept) is
// no change.
func (r *Record) Diff(existing *bangwo8.Company) []Change {
	changes, _ := r.compare(existing)
	return changes
}

// Kept returns the text cells of r that a spreadsheet program mangled, whose values in
// existing are kept (Diff leaves them out).
func (r *Record) Kept(existing *bangwo8.Company) []Kept {
	_, kept := r.compare(existing)
	return kept
}

func (r *Record) compare(existing *bangwo8.Company) (changes []Change, kept []Kept) {
	for _, v := range r.Values {
		if !v.Set {
			continue
		}
		old := current(existing, v.Column)
		if v.Column.same(old, v) {
			continue
		}
		if v.Column.Type == TypeText && !v.Clear {
			if how := Mangled(old.text, v.Text); how != "" {
				kept = append(kept, Kept{Field: v.Column.Field, Header: v.Column.Header,
					Cell: v.Column.redact(v.Text), Current: v.Column.redact(old.text), How: how})
				continue
			}
		}
		changes = append(changes, Change{
			Field:  v.Column.Field,
			Header: v.Column.Header,
			Old:    v.Column.redact(v.Column.shown(old.raw)),
			New:    v.Column.redact(v.Column.shown(bangwo8.Text(v.Text))),
			Clear:  v.Clear,
		})
	}
	return changes, kept
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

// shown is a value as an export shows it (a status by its label, a date without its time):
// how the plan names old and new values. An empty value is "".
func (c *Column) shown(fv bangwo8.FieldValue) string {
	if !fv.IsList() && trimSpace(fv.String()) == "" {
		return ""
	}
	return UnescapeFormula(c.format(fv).Text)
}

// oldValue is an existing field as the column reads it.
type oldValue struct {
	raw   bangwo8.FieldValue // as the API holds it
	text  string
	elems []string
	list  bool // the API holds an array
}

// current reads the field of column c from existing.
func current(existing *bangwo8.Company, c *Column) oldValue {
	if key, ok := c.CustomKey(); ok {
		fv, _ := existing.Custom(key)
		o := oldValue{raw: fv, text: fv.String(), list: fv.IsList()}
		if c.Type == TypeList || c.Type == TypeCascade {
			o.elems = c.elems(fv)
		}
		return o
	}
	s, _ := existing.Get(field.Key(c.Field))
	o := oldValue{raw: bangwo8.Text(s), text: s}
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

package mapping

import (
	"regexp"
	"slices"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// CustomPrefix starts the field of a column that maps a custom field: custom.<key>.
const CustomPrefix = "custom."

// Mapping is a checked mapping file: which spreadsheet column carries which company field, and
// how its cells are converted. Build it with Load, Parse or Default; treat it as read-only
// afterwards (WithCustomColumns returns a new Mapping), so one Mapping can serve many goroutines.
type Mapping struct {
	Name    string // the file name, for messages ("" for Default)
	Version int
	// Match is the field that identifies a company on update and upsert ("uId",
	// "serviceaccount" or "companyName"); "" when the file names none (create only).
	Match string
	// Sheet is the xlsx sheet to read; "" for the first visible sheet whose header the
	// mapping reads. A workbook without it but with one visible sheet reads that one, unless
	// SheetAsked.
	Sheet string
	// SheetAsked is set by a program that took Sheet from the person (--sheet), not the file:
	// a workbook without that sheet is refused.
	SheetAsked bool
	// AllowDuplicates (duplicates: allow) lets rows without a match key repeat exactly: each
	// is a company of its own. Without it such a row is invalid at validation, since a row
	// typed twice by mistake would make two companies.
	AllowDuplicates bool
	Columns         []*Column
	// Extension is the company external extension, when the file has an extension block.
	Extension *Extension

	byField  map[string]*Column
	byHeader map[string]*Column // keyed by normalizeHeader
}

// Column is one spreadsheet column.
type Column struct {
	Header   string
	Field    string // a documented JSON key ("companyName") or "custom.<key>"
	Type     Type
	Required bool
	// Default replaces an empty cell on import, when HasDefault.
	Default    string
	HasDefault bool
	// Trim removes surrounding white space (full-width included) from text cells; true unless
	// the file says trim: false. Other types always ignore surrounding white space.
	Trim      bool
	MaxLength int            // in characters (runes); 0 = no limit
	Pattern   *regexp.Regexp // anchored: the whole value must match; nil = none
	Values    []string       // allowed values of a text or list column; nil = any
	Enum      []EnumValue    // labels and values of an enum column, in file order
	Note      string         // shown to people (templates); no effect on conversion
	As        Shape          // how a list or cascade custom field is sent
	// ReadOnly columns are exported and ignored on import (uId excepted: it is read to match).
	ReadOnly bool
	// ClearEmpty (empty: clear): an empty cell clears the field. Without it an empty cell
	// leaves the field as it is, and only the clear marker (ClearMarker) clears one value.
	ClearEmpty bool

	Line, Col int // where the column starts in the mapping file; 0 for built columns
}

// EnumValue is one label of an enum column and the value the API stores for it.
type EnumValue struct {
	Label string
	Value string
}

// Shape says how a list or cascade value is sent to the API for a custom field.
type Shape string

const (
	ShapeText Shape = "text" // one string: "a,b,c" for a list, "北京市/二级1" for a cascade
	ShapeList Shape = "list" // a JSON array: ["a","b","c"]
)

// CustomKey returns the custom field key of a custom.<key> column.
func (c *Column) CustomKey() (string, bool) {
	return strings.CutPrefix(c.Field, CustomPrefix)
}

// Headers returns the column headers in order: the header row of an export.
func (m *Mapping) Headers() []string {
	out := make([]string, len(m.Columns))
	for i, c := range m.Columns {
		out[i] = c.Header
	}
	return out
}

// ColumnByHeader returns the column whose header is header, as Bind compares headers; nil
// for none.
func (m *Mapping) ColumnByHeader(header string) *Column {
	return m.byHeader[normalizeHeader(header)]
}

// Column returns the column that maps field (a JSON key or "custom.<key>").
func (m *Mapping) Column(field string) (*Column, bool) {
	c, ok := m.byField[field]
	return c, ok
}

// MatchColumn returns the column of the match key, or nil when the mapping has none.
func (m *Mapping) MatchColumn() *Column {
	if m.Match == "" {
		return nil
	}
	return m.byField[m.Match]
}

// index builds the lookup tables; columns must already be checked for duplicates.
func (m *Mapping) index() {
	m.byField = make(map[string]*Column, len(m.Columns))
	m.byHeader = make(map[string]*Column, len(m.Columns))
	for _, c := range m.Columns {
		m.byField[c.Field] = c
		m.byHeader[normalizeHeader(c.Header)] = c
	}
}

// Default is the mapping used without a mapping file: every documented field headed by the
// vendor's Chinese label, in the vendor's order (read-only fields exported only, uId also
// read to match), then one text column per custom key headed by the key. It matches by uId.
func Default(customKeys []string) *Mapping {
	m := &Mapping{Version: 1, Match: string(field.UID)}
	for _, f := range field.All() {
		if f.Kind == field.Custom {
			continue
		}
		c := &Column{Header: f.Label, Field: string(f.Key), Trim: true}
		c.Type, c.Enum = defaultType(f)
		c.ReadOnly = f.ReadOnly && f.Key != field.UID
		m.Columns = append(m.Columns, c)
	}
	m.index()
	return m.WithCustomColumns(customKeys...)
}

// WithCustomColumns returns a copy of m with a text column appended for each custom key that
// no column maps yet, headed by the key (or "custom.<key>" if that header is taken). It returns
// m itself when there is nothing to add, so an exporter can call it for every page it reads.
func (m *Mapping) WithCustomColumns(keys ...string) *Mapping {
	var add []*Column
	headers := map[string]bool{}
	for h := range m.byHeader {
		headers[h] = true
	}
	// The header of a secret field stays its own even when its column is left out
	// (WithoutSecrets): a custom key named 服务密码 must not pass for the password column.
	for _, f := range field.All() {
		if f.Sensitive {
			headers[normalizeHeader(f.Label)] = true
		}
	}
	for _, k := range keys {
		field := CustomPrefix + k
		if k == "" || m.byField[field] != nil || headers[normalizeHeader(field)] {
			continue
		}
		c := &Column{Header: k, Field: field, Type: TypeText, Trim: true}
		// A custom key can look like a header already used ("公司名称"): keep the columns apart.
		if headers[normalizeHeader(k)] {
			c.Header = field
		}
		headers[normalizeHeader(c.Header)] = true
		headers[normalizeHeader(field)] = true // the same key twice in keys
		add = append(add, c)
	}
	if len(add) == 0 {
		return m
	}
	out := *m
	out.Columns = append(append([]*Column(nil), m.Columns...), add...)
	out.index()
	return &out
}

// Secrets returns the columns whose values are secrets (服务密码): a file holding them must
// be readable by its owner only.
func (m *Mapping) Secrets() []*Column {
	var out []*Column
	for _, c := range m.Columns {
		if c.sensitive() {
			out = append(out, c)
		}
	}
	return out
}

// WithoutSecrets returns a copy of m without the columns Secrets returns; m itself when it
// has none.
func (m *Mapping) WithoutSecrets() *Mapping {
	if len(m.Secrets()) == 0 {
		return m
	}
	out := *m
	out.Columns = slices.DeleteFunc(slices.Clone(m.Columns), (*Column).sensitive)
	out.index()
	return &out
}

// Is reports whether the column maps the documented field k.
func (c *Column) Is(k field.Key) bool { return c.Field == string(k) }

// documented returns the documented field the column maps; false for a custom field.
func (c *Column) documented() (field.Info, bool) { return field.Lookup(field.Key(c.Field)) }

// holdsInt reports whether the column maps a documented field that holds an integer.
func (c *Column) holdsInt() bool {
	f, ok := c.documented()
	return ok && f.Kind.Integer()
}

// holdsID reports whether the column maps a documented integer that is an id or a group, not
// a quantity: an export stores it as text like every other id.
func (c *Column) holdsID() bool {
	f, ok := c.documented()
	return ok && f.Kind == field.Int
}

// sensitive reports whether the column's values must never appear in reports.
func (c *Column) sensitive() bool {
	f, ok := c.documented()
	return ok && f.Sensitive
}

// statusEnum is the enum of the status field: the vendor's labels.
var statusEnum = []EnumValue{{"未删除", "1"}, {"已删除", "2"}}

// defaultType is the type a column of a documented field gets when the file names none.
func defaultType(f field.Info) (Type, []EnumValue) {
	switch f.Kind {
	case field.Int:
		return TypeInt, nil
	case field.Enum: // status, the only one
		return TypeEnum, slices.Clone(statusEnum)
	case field.Date:
		return TypeDate, nil
	case field.DateTime:
		return TypeDateTime, nil
	case field.Decimal:
		return TypeDecimal, nil
	case field.List:
		return TypeList, nil
	}
	return TypeText, nil
}

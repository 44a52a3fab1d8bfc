package mapping

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

var (
	topKeys    = []string{"version", "match", "sheet", "duplicates", "columns", "extension"}
	columnKeys = []string{"header", "field", "type", "required", "default", "trim", "max_length",
		"pattern", "values", "note", "as", "readonly", "empty"}
	matchKeys = []string{string(field.UID), string(field.ServiceAccount), string(field.CompanyName)}
)

// mapping reads the top level of the file and checks the columns as a whole.
func (l *loader) mapping(root ast.Node) *Mapping {
	entries, ok := l.entries(root, "the mapping file")
	if !ok {
		return nil
	}
	m := &Mapping{Name: l.name}
	var versionSeen, columnsSeen bool
	var matchNode, extNode ast.Node
	for _, e := range entries {
		key, _ := scalar(e.Key)
		switch key {
		case "version":
			versionSeen = true
			if v, ok := l.integer(e.Value, "version"); ok {
				if v != 1 {
					l.errorf(e.Value, "unsupported version %d: this program reads version 1", v)
				}
				m.Version = v
			}
		case "match":
			if s, ok := l.text(e.Value, "match"); ok {
				matchNode = e.Value
				if !slices.Contains(matchKeys, s) {
					l.errorf(e.Value, "match must be one of %s, not %q", strings.Join(matchKeys, ", "), s)
				} else {
					m.Match = s
				}
			}
		case "sheet":
			if s, ok := l.text(e.Value, "sheet"); ok {
				m.Sheet = strings.TrimSpace(s)
			}
		case "duplicates":
			if s, ok := l.text(e.Value, "duplicates"); ok {
				switch strings.TrimSpace(s) {
				case "allow":
					m.AllowDuplicates = true
				case "refuse":
				default:
					l.errorf(e.Value, "duplicates must be allow or refuse, not %q", s)
				}
			}
		case "columns":
			columnsSeen = true
			m.Columns = l.columns(e.Value)
		case "extension": // see extension.go
			extNode = e.Value
			m.Extension = l.extension(e.Value)
		default:
			l.unknownKey(e.Key, key, topKeys)
		}
	}
	if !versionSeen {
		l.errorf(root, "version is missing: start the file with version: 1")
	}
	if !columnsSeen {
		l.errorf(root, "columns is missing: list at least one column")
	}
	if m.Match != "" {
		c := findField(m.Columns, m.Match)
		if c == nil {
			l.errorf(matchNode, "match is %s but no column maps field %s", m.Match, m.Match)
		}
	}
	l.extensionTargets(m, extNode)
	m.index()
	return m
}

func findField(cols []*Column, field string) *Column {
	for _, c := range cols {
		if c.Field == field {
			return c
		}
	}
	return nil
}

// columns reads the column list and checks that no field and no header is used twice.
func (l *loader) columns(n ast.Node) []*Column {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		l.errorf(n, "columns must be a list of columns (- header: ...)")
		return nil
	}
	if len(seq.Values) == 0 {
		l.errorf(n, "columns is empty: list at least one column")
		return nil
	}
	var cols []*Column
	fields := map[string]*Column{}
	headers := map[string]*Column{}
	for _, item := range seq.Values {
		c, fieldNode, headerNode := l.column(item)
		if c == nil {
			continue
		}
		if prev := fields[c.Field]; prev != nil && c.Field != "" {
			l.errorf(fieldNode, "field %s is already mapped by the column at line %d", c.Field, prev.Line)
		} else {
			fields[c.Field] = c
		}
		h := normalizeHeader(c.Header)
		if prev := headers[h]; prev != nil && h != "" {
			l.errorf(headerNode, "header %q is already used by the column at line %d", c.Header, prev.Line)
		} else {
			headers[h] = c
		}
		cols = append(cols, c)
	}
	return cols
}

// column reads one column and checks it on its own. It returns the nodes of field and header
// for the duplicate checks, which need the whole list.
func (l *loader) column(n ast.Node) (c *Column, fieldNode, headerNode ast.Node) {
	entries, ok := l.entries(n, "a column")
	if !ok {
		return nil, nil, nil
	}
	c = &Column{Trim: true}
	c.Line, c.Col = position(n)
	if len(entries) > 0 {
		c.Line, c.Col = position(entries[0].Key)
	}
	nodes := map[string]ast.Node{}
	for _, e := range entries {
		key, _ := scalar(e.Key)
		if !slices.Contains(columnKeys, key) {
			l.unknownKey(e.Key, key, columnKeys)
			continue
		}
		nodes[key] = e.Value
	}
	at := func(key string) ast.Node { // where to report a problem of key, or of the column
		if v := nodes[key]; v != nil {
			return v
		}
		return n
	}
	fieldNode, headerNode = at("field"), at("header")

	if v := nodes["header"]; v != nil {
		c.Header, _ = l.text(v, "header")
	}
	if strings.TrimSpace(c.Header) == "" {
		l.errorf(at("header"), "a column needs a header")
	}
	if v := nodes["field"]; v != nil {
		if s, ok := l.text(v, "field"); ok {
			c.Field = strings.TrimSpace(s)
		}
	}
	info, known := l.checkField(c, at("field"), nodes["readonly"] != nil)
	if v := nodes["note"]; v != nil {
		c.Note, _ = l.text(v, "note")
	}
	for _, b := range []struct {
		key string
		dst *bool
	}{{"required", &c.Required}, {"trim", &c.Trim}, {"readonly", &c.ReadOnly}} {
		if v := nodes[b.key]; v != nil {
			*b.dst, _ = l.boolean(v, b.key)
		}
	}
	if v := nodes["empty"]; v != nil {
		if s, ok := l.text(v, "empty"); ok {
			switch s {
			case "keep":
			case "clear":
				if c.Is(field.UID) || c.Is(field.Status) {
					l.errorf(v, "%s cannot be cleared: leave out empty: clear", c.Field)
				}
				c.ClearEmpty = true
			default:
				l.errorf(v, "empty must be clear or keep, not %q", s)
			}
		}
	}
	if info.ReadOnly && info.Key != field.UID && !c.ReadOnly && known {
		l.errorf(at("field"), "field %s is read-only: add readonly: true to export it (it is never imported)", c.Field)
	}
	l.checkType(c, nodes, at)
	if v := nodes["max_length"]; v != nil {
		if n, ok := l.integer(v, "max_length"); ok {
			if n == 0 {
				l.errorf(v, "max_length must be at least 1")
			}
			c.MaxLength = n
		}
	}
	if v := nodes["pattern"]; v != nil {
		if s, ok := l.text(v, "pattern"); ok {
			re, err := anchorPattern(s)
			if err != nil {
				l.errorf(v, "bad pattern: %v", err)
			}
			c.Pattern = re
		}
	}
	if v := nodes["default"]; v != nil {
		if s, ok := l.text(v, "default"); ok {
			c.Default, c.HasDefault = s, true
			if c.Type.valid() {
				if _, err := c.convert(c.cellText(s), Date1900); err != nil {
					l.errorf(v, "default %q is not valid for this column: %s", s, err.msg)
				}
			}
		}
	}
	return c, fieldNode, headerNode
}

// checkField checks that the field is documented and writable, or a custom field.
func (l *loader) checkField(c *Column, at ast.Node, hasReadonly bool) (field.Info, bool) {
	switch {
	case c.Field == "":
		l.errorf(at, "a column needs a field (a documented field or custom.<key>)")
	case c.Is(field.CustomFields):
		l.errorf(at, "custom_fields is not a column: map each custom field as custom.<key>")
	case strings.HasPrefix(c.Field, CustomPrefix):
		key := strings.TrimPrefix(c.Field, CustomPrefix)
		if key == "" || strings.ContainsAny(key, " \t\r\n,:") {
			l.errorf(at, "bad custom field key %q: custom.<key>, the key without spaces, commas or colons", key)
		}
		return field.Info{}, false
	default:
		if f, ok := c.documented(); ok {
			return f, true
		}
		for _, f := range field.All() {
			if strings.EqualFold(string(f.Key), c.Field) {
				l.errorf(at, "unknown field %q (did you mean %q?)", c.Field, f.Key)
				return field.Info{}, false
			}
		}
		l.errorf(at, "unknown field %q: a documented field (companyName, serviceaccount, ...) or custom.<key>", c.Field)
	}
	return field.Info{}, false
}

// checkType reads type, values and as, and checks that they fit each other and the field.
func (l *loader) checkType(c *Column, nodes map[string]ast.Node, at func(string) ast.Node) {
	_, custom := c.CustomKey()
	c.Type = TypeText
	if !custom {
		if f, ok := c.documented(); ok {
			c.Type, c.Enum = defaultType(f)
		}
	}
	if v := nodes["type"]; v != nil {
		s, _ := l.text(v, "type")
		t := Type(strings.ToLower(strings.TrimSpace(s)))
		if !t.valid() {
			l.errorf(v, "unknown type %q; one of %s", s, joinTypes())
			c.Type = ""
			return
		}
		if t != c.Type {
			c.Enum = nil // an explicit type drops the field's default labels
		}
		c.Type = t
	}
	if c.holdsInt() && c.Type != TypeInt && c.Type != TypeEnum {
		l.errorf(at("type"), "field %s holds a whole number: its type is int or enum, not %s", c.Field, c.Type)
	}
	if c.Is(field.UID) && c.Type != TypeInt {
		l.errorf(at("type"), "field uId is the company id: its type is int")
	}
	if v := nodes["values"]; v != nil {
		l.values(c, v)
	}
	if c.Type == TypeEnum && len(c.Enum) == 0 && nodes["values"] == nil {
		l.errorf(at("type"), "an enum column needs values: {label: value, ...}")
	}
	if c.holdsInt() {
		for _, e := range c.Enum {
			if _, err := strconv.ParseInt(e.Value, 10, 64); err != nil {
				l.errorf(nodes["values"], "field %s holds a whole number: enum value %q is not one", c.Field, e.Value)
			}
		}
	}
	switch c.Type {
	case TypeList:
		c.As = ShapeText
	case TypeCascade:
		c.As = ShapeList
	}
	if v := nodes["as"]; v != nil {
		s, _ := l.text(v, "as")
		switch {
		case c.Type != TypeList && c.Type != TypeCascade:
			l.errorf(v, "as is for list and cascade columns")
		case !custom:
			l.errorf(v, "as is for custom fields: documented fields are always sent as text")
		case s == string(ShapeText) || s == string(ShapeList):
			c.As = Shape(s)
		default:
			l.errorf(v, "as must be text or list, not %q", s)
		}
	}
}

// values reads an enum's labels (a mapping) or a text or list column's allowed values (a list).
func (l *loader) values(c *Column, n ast.Node) {
	switch n := n.(type) {
	case *ast.SequenceNode:
		if c.Type != TypeText && c.Type != TypeList {
			if c.Type == TypeEnum {
				l.errorf(n, "enum values need labels: {label: value, ...}")
			} else {
				l.errorf(n, "a values list is for text and list columns, not %s", c.Type)
			}
			return
		}
		c.Values = []string{}
		for _, item := range n.Values {
			if s, ok := l.text(item, "a value"); ok {
				if slices.Contains(c.Values, s) {
					l.errorf(item, "value %q is listed twice", s)
				}
				c.Values = append(c.Values, s)
			}
		}
		if len(c.Values) == 0 {
			l.errorf(n, "values is empty")
		}
	case *ast.MappingNode, *ast.MappingValueNode:
		if c.Type != TypeEnum {
			l.errorf(n, "values as labels (label: value) are for enum columns; add type: enum")
			return
		}
		entries, _ := l.entries(n, "values")
		c.Enum = nil
		for _, e := range entries {
			label, ok1 := l.text(e.Key, "a label")
			val, ok2 := l.text(e.Value, "the value of "+label)
			if !ok1 || !ok2 {
				continue
			}
			if strings.TrimSpace(label) == "" {
				l.errorf(e.Key, "an enum label is empty")
			}
			for _, prev := range c.Enum {
				if prev.Value == val {
					l.errorf(e.Value, "labels %q and %q have the same value %q", prev.Label, label, val)
				}
			}
			c.Enum = append(c.Enum, EnumValue{Label: label, Value: val})
		}
	default:
		l.errorf(n, "values must be a list (for text and list) or label: value pairs (for enum)")
	}
}

func joinTypes() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// String describes the column for messages: its header and field.
func (c *Column) String() string { return fmt.Sprintf("%q (%s)", c.Header, c.Field) }

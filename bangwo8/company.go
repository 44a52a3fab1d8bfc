package bangwo8

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// Company is one company as the API returns it.
//
// Dates are kept as the strings the service uses ("2012-01-01", "2018-02-03 00:00:00"); an
// empty date ("0000-00-00" or "") is "". Extra holds every field this type does not know, so a
// read-modify-write or a local copy loses nothing.
type Company struct {
	UID              int64         `json:"uId"`
	URL              string        `json:"url,omitempty"`
	CompanyName      string        `json:"companyName"`
	SupportID        int64         `json:"supportId"`
	ServiceStartTime string        `json:"servicestarttime"`
	ServiceEndTime   string        `json:"serviceendtime"`
	UserURL          string        `json:"userURL"`
	ServeNote        string        `json:"serveNote"`
	ServiceCharge    string        `json:"serviceCharge"`
	ServiceAccount   string        `json:"serviceaccount"`
	ServicePassword  string        `json:"servicepassword"`
	Address          string        `json:"address"`
	CreateDT         string        `json:"createDT"`
	UpdateDT         string        `json:"updateDT"`
	CustomFields     []CustomField `json:"custom_fields"`
	UserGroup        int64         `json:"userGroup"`
	TableName        string        `json:"tableName"` // tags, comma separated
	Province         string        `json:"province"`
	City             string        `json:"city"`
	Status           int           `json:"status"` // StatusActive or StatusDeleted; 0 when absent
	ServiceGroupID   string        `json:"service_groupid"`

	// Extra keeps the fields that the vendor returns but does not document
	// (multiServiceList, solveDT, waitDT, ...), as they came.
	Extra map[string]json.RawMessage `json:"-"`
}

// Values of Company.Status.
const (
	StatusActive  = 1 // 未删除
	StatusDeleted = 2 // 已删除 (soft delete)
)

// Custom returns the value of the custom field key and whether the company has it.
func (c *Company) Custom(key string) (FieldValue, bool) {
	for _, f := range c.CustomFields {
		if f.Key == key {
			return f.Value, true
		}
	}
	return FieldValue{}, false
}

// SetCustom sets the custom field key, replacing its value or appending it.
func (c *Company) SetCustom(key string, v FieldValue) {
	for i := range c.CustomFields {
		if c.CustomFields[i].Key == key {
			c.CustomFields[i].Value = v
			return
		}
	}
	c.CustomFields = append(c.CustomFields, CustomField{Key: key, Value: v})
}

// Deleted reports whether the company is soft-deleted.
func (c *Company) Deleted() bool { return c.Status == StatusDeleted }

// CustomField is one entry of custom_fields.
type CustomField struct {
	Key   string     `json:"key"`
	Value FieldValue `json:"value"`
}

// FieldValue is a custom field's value: a string (text, dropdown label, checkbox "是"/"否",
// several option ids "1,2,3") or a list of strings (a cascade, one element per level, or a
// multi-choice field). The zero value is the empty string.
type FieldValue struct {
	text   string
	list   []string
	isList bool
}

// Text returns a string value.
func Text(s string) FieldValue { return FieldValue{text: s} }

// List returns a list value; List() with no elements is an empty list, not the empty string.
func List(elems ...string) FieldValue {
	return FieldValue{list: append([]string{}, elems...), isList: true}
}

// IsList reports whether the value is a list.
func (v FieldValue) IsList() bool { return v.isList }

// Strings returns the elements of a list value, or a one-element slice for a non-empty string.
func (v FieldValue) Strings() []string {
	if v.isList {
		return append([]string(nil), v.list...)
	}
	if v.text == "" {
		return nil
	}
	return []string{v.text}
}

// String returns a string value as it is and a list value joined with "/".
func (v FieldValue) String() string {
	if v.isList {
		return strings.Join(v.list, "/")
	}
	return v.text
}

// Equal reports whether two values are the same shape with the same content.
func (v FieldValue) Equal(o FieldValue) bool {
	if v.isList != o.isList {
		return false
	}
	if !v.isList {
		return v.text == o.text
	}
	return slices.Equal(v.list, o.list)
}

// MarshalJSON writes a list as a JSON array and anything else as a JSON string.
func (v FieldValue) MarshalJSON() ([]byte, error) {
	if v.isList {
		if v.list == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(v.list)
	}
	return json.Marshal(v.text)
}

// UnmarshalJSON accepts a string, an array of scalars, a number, a boolean or null.
func (v *FieldValue) UnmarshalJSON(b []byte) error {
	if !valid(b) {
		return fmt.Errorf("custom field value: not valid JSON: %.40s", b)
	}
	fv, err := decodeFieldValue(b)
	if err != nil {
		return err
	}
	*v = fv
	return nil
}

// scalarString turns a JSON string, number, boolean or null into a string.
func scalarString(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return "", nil
	case b[0] == '"':
		return unquote(b)
	case string(b) == "true" || string(b) == "false":
		return string(b), nil
	case isJSONNumber(b):
		return string(b), nil
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return "", fmt.Errorf("not a scalar: %.40s", b)
		}
		return n.String(), nil
	}
}

// flexInt reads an integer that arrives as a number, a numeric string, "" or null (0).
func flexInt(b []byte) (int64, error) {
	s, err := scalarString(b)
	if err != nil {
		return 0, err
	}
	return parseInt(s)
}

// parseInt reads a decimal integer; "" (or white space) is 0.
func parseInt(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// "12.0" from a sloppy writer is still 12; anything else is an error.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, fmt.Errorf("not an integer: %q", s)
		}
		return int64(f), nil
	}
	return n, nil
}

// normDate maps the service's spellings of "no date" to "".
func normDate(s string) string {
	s = strings.TrimSpace(s)
	switch s {
	case "0000-00-00", "0000-00-00 00:00:00":
		return ""
	}
	return s
}

// UnmarshalJSON reads every shape listed in the API reference.
func (c *Company) UnmarshalJSON(b []byte) error {
	if !valid(b) {
		var probe any // for encoding/json's own description of what is wrong
		return fmt.Errorf("company: %w", json.Unmarshal(b, &probe))
	}
	// Decoded in place (a Company of its own would escape to the heap through the field
	// accessors: one allocation per record); a failure leaves c as it was.
	was := *c
	*c = Company{}
	if err := decodeCompany(b, c); err != nil {
		*c = was
		return fmt.Errorf("company: %w", err)
	}
	return nil
}

// unmarshalCustomFields accepts an array of {key, value}, null, "" or an object key->value,
// from valid JSON.
func unmarshalCustomFields(b []byte, dst *[]CustomField) error {
	b = trimSpaceBytes(b)
	switch {
	case len(b) == 0 || string(b) == "null" || string(b) == `""`:
		*dst = nil
		return nil
	case b[0] == '{':
		byKey := map[string]FieldValue{} // a key given twice keeps its last value
		err := members(b, func(key string, val []byte) error {
			v, err := decodeFieldValue(val)
			byKey[key] = v
			return err
		})
		if err != nil {
			return err
		}
		var fields []CustomField // nil for {}, as before
		for _, k := range slices.Sorted(maps.Keys(byKey)) {
			fields = append(fields, CustomField{Key: k, Value: byKey[k]})
		}
		*dst = fields
		return nil
	case b[0] == '[':
		fields := []CustomField{}
		err := elements(b, func(val []byte) error {
			f, err := decodeCustomField(val)
			fields = append(fields, f)
			return err
		})
		if err != nil {
			return err
		}
		*dst = fields
		return nil
	}
	return fmt.Errorf("custom_fields: not an array or object: %.40s", b)
}

// MarshalJSON writes the documented fields and then Extra, so a company read from the service
// and written to a local file keeps everything. It is not a request body: see CompanyInput.
func (c Company) MarshalJSON() ([]byte, error) {
	type plain Company // no methods: avoids recursion
	known, err := json.Marshal(plain(c))
	if err != nil {
		return nil, err
	}
	if len(c.Extra) == 0 {
		return known, nil
	}
	extra, err := json.Marshal(c.Extra)
	if err != nil {
		return nil, err
	}
	// Both are objects: splice "{known...}" and "{extra...}" into one. Extra never repeats
	// a known key, because UnmarshalJSON only stores unknown keys there.
	out := make([]byte, 0, len(known)+len(extra))
	out = append(out, known[:len(known)-1]...)
	out = append(out, ',')
	out = append(out, extra[1:]...)
	return out, nil
}

// CompanyInput is the body of a create or an update: only the documented, writable fields, and
// only those that are set (a nil pointer is left out, so an update leaves it as it was).
type CompanyInput struct {
	CompanyName      *string       `json:"companyName,omitempty"`
	ServiceStartTime *string       `json:"servicestarttime,omitempty"`
	ServiceEndTime   *string       `json:"serviceendtime,omitempty"`
	UserURL          *string       `json:"userURL,omitempty"`
	ServeNote        *string       `json:"serveNote,omitempty"`
	ServiceCharge    *string       `json:"serviceCharge,omitempty"`
	ServiceAccount   *string       `json:"serviceaccount,omitempty"`
	ServicePassword  *string       `json:"servicepassword,omitempty"`
	Address          *string       `json:"address,omitempty"`
	CustomFields     []CustomField `json:"custom_fields,omitempty"`
	UserGroup        *int64        `json:"userGroup,omitempty"`
	TableName        *string       `json:"tableName,omitempty"`
	Province         *string       `json:"province,omitempty"`
	City             *string       `json:"city,omitempty"`
	Status           *int          `json:"status,omitempty"`
	ServiceGroupID   *string       `json:"service_groupid,omitempty"`
}

// Ptr returns a pointer to v, for filling a CompanyInput.
func Ptr[T any](v T) *T { return &v }

// Input returns the writable fields of c as a CompanyInput that sets every one of them
// (read-only fields and Extra are left out; a status of 0 is absent, not a status). Useful to
// create a copy of a company.
func (c *Company) Input() CompanyInput {
	var in CompanyInput
	for _, f := range field.All() {
		s := slots[f.Key]
		switch {
		case f.ReadOnly:
		case f.Kind == field.Custom:
			in.CustomFields = slices.Clone(c.CustomFields)
		case s.text != nil:
			*s.inText(&in) = Ptr(*s.text(c))
		case f.Kind == field.Enum && s.getInt(c) == 0:
		default:
			s.inInt(&in, s.getInt(c))
		}
	}
	return in
}

// Get returns the documented field key as text: integers in decimal, strings as they are.
// custom_fields and unknown keys report false.
func (c *Company) Get(key field.Key) (string, bool) {
	s, ok := slots[key]
	switch {
	case !ok || s.kind == field.Custom:
		return "", false
	case s.text != nil:
		return *s.text(c), true
	}
	return strconv.FormatInt(s.getInt(c), 10), true
}

// Set sets the documented field key from text (the reverse of Get), read-only fields included,
// so that a company can be rebuilt from a file. Integers must be decimal; "" is 0.
func (c *Company) Set(key field.Key, value string) error {
	s, ok := slots[key]
	switch {
	case !ok || s.kind == field.Custom:
		return fmt.Errorf("unknown field %q", key)
	case s.text != nil:
		*s.text(c) = value
		return nil
	}
	n, err := parseInt(value)
	if err != nil {
		return fmt.Errorf("field %s: %w", key, err)
	}
	s.setInt(c, n)
	return nil
}

// Set sets the writable documented field key of a create or update body from text, as
// Company.Set does. Read-only fields, custom_fields and unknown keys are an error.
func (in *CompanyInput) Set(key field.Key, value string) error {
	s, ok := slots[key]
	switch {
	case !ok || s.kind == field.Custom:
		return fmt.Errorf("unknown field %q", key)
	case s.inText == nil && s.inInt == nil:
		return fmt.Errorf("field %s is read-only", key)
	case s.inText != nil:
		*s.inText(in) = Ptr(value)
		return nil
	}
	n, err := parseInt(value)
	if err != nil {
		return fmt.Errorf("field %s: %w", key, err)
	}
	s.inInt(in, n)
	return nil
}

// Get returns the value in sets for the writable documented field key, as text (integers in
// decimal), and whether in sets it: the reverse of Set.
func (in *CompanyInput) Get(key field.Key) (string, bool) {
	s, ok := slots[key]
	switch {
	case !ok || s.kind == field.Custom:
		return "", false
	case s.inText != nil:
		if v := *s.inText(in); v != nil {
			return *v, true
		}
		return "", false
	case s.inGetInt != nil:
		if n, ok := s.inGetInt(in); ok {
			return strconv.FormatInt(n, 10), true
		}
	}
	return "", false
}

// slot says where a documented field lives in a Company and in a CompanyInput: the text
// accessors for a field of a string kind, the integer ones for Int and Enum, neither for
// custom_fields. The in* accessors are nil for a read-only field.
type slot struct {
	kind   field.Kind
	text   func(*Company) *string
	inText func(*CompanyInput) **string
	getInt func(*Company) int64
	setInt func(*Company, int64)
	inInt  func(*CompanyInput, int64)
	// inGetInt reads an integer field of a CompanyInput: false when it is not set.
	inGetInt func(*CompanyInput) (int64, bool)
}

// slots holds the slot of every documented field (field.All), and only those: the one place
// that ties the table's keys to the fields of Company and CompanyInput.
var slots = func() map[field.Key]*slot {
	text := func(get func(*Company) *string, in func(*CompanyInput) **string) *slot {
		return &slot{text: get, inText: in}
	}
	integer := func(get func(*Company) *int64, in func(*CompanyInput) **int64) *slot {
		s := &slot{
			getInt: func(c *Company) int64 { return *get(c) },
			setInt: func(c *Company, n int64) { *get(c) = n },
		}
		if in != nil {
			s.inInt = func(i *CompanyInput, n int64) { *in(i) = &n }
			s.inGetInt = func(i *CompanyInput) (int64, bool) {
				if p := *in(i); p != nil {
					return *p, true
				}
				return 0, false
			}
		}
		return s
	}
	m := map[field.Key]*slot{
		field.UID:              integer(func(c *Company) *int64 { return &c.UID }, nil),
		field.URL:              text(func(c *Company) *string { return &c.URL }, nil),
		field.CompanyName:      text(func(c *Company) *string { return &c.CompanyName }, func(in *CompanyInput) **string { return &in.CompanyName }),
		field.SupportID:        integer(func(c *Company) *int64 { return &c.SupportID }, nil),
		field.ServiceStartTime: text(func(c *Company) *string { return &c.ServiceStartTime }, func(in *CompanyInput) **string { return &in.ServiceStartTime }),
		field.ServiceEndTime:   text(func(c *Company) *string { return &c.ServiceEndTime }, func(in *CompanyInput) **string { return &in.ServiceEndTime }),
		field.UserURL:          text(func(c *Company) *string { return &c.UserURL }, func(in *CompanyInput) **string { return &in.UserURL }),
		field.ServeNote:        text(func(c *Company) *string { return &c.ServeNote }, func(in *CompanyInput) **string { return &in.ServeNote }),
		field.ServiceCharge:    text(func(c *Company) *string { return &c.ServiceCharge }, func(in *CompanyInput) **string { return &in.ServiceCharge }),
		field.ServiceAccount:   text(func(c *Company) *string { return &c.ServiceAccount }, func(in *CompanyInput) **string { return &in.ServiceAccount }),
		field.ServicePassword:  text(func(c *Company) *string { return &c.ServicePassword }, func(in *CompanyInput) **string { return &in.ServicePassword }),
		field.Address:          text(func(c *Company) *string { return &c.Address }, func(in *CompanyInput) **string { return &in.Address }),
		field.CreateDT:         text(func(c *Company) *string { return &c.CreateDT }, nil),
		field.UpdateDT:         text(func(c *Company) *string { return &c.UpdateDT }, nil),
		field.CustomFields:     {},
		field.UserGroup:        integer(func(c *Company) *int64 { return &c.UserGroup }, func(in *CompanyInput) **int64 { return &in.UserGroup }),
		field.TableName:        text(func(c *Company) *string { return &c.TableName }, func(in *CompanyInput) **string { return &in.TableName }),
		field.Province:         text(func(c *Company) *string { return &c.Province }, func(in *CompanyInput) **string { return &in.Province }),
		field.City:             text(func(c *Company) *string { return &c.City }, func(in *CompanyInput) **string { return &in.City }),
		field.Status: { // an int in both structs, so spelled out
			getInt: func(c *Company) int64 { return int64(c.Status) },
			setInt: func(c *Company, n int64) { c.Status = int(n) },
			inInt:  func(in *CompanyInput, n int64) { in.Status = Ptr(int(n)) },
			inGetInt: func(in *CompanyInput) (int64, bool) {
				if in.Status == nil {
					return 0, false
				}
				return int64(*in.Status), true
			},
		},
		field.ServiceGroupID: text(func(c *Company) *string { return &c.ServiceGroupID }, func(in *CompanyInput) **string { return &in.ServiceGroupID }),
	}
	for _, f := range field.All() {
		m[f.Key].kind = f.Kind // a field without a slot panics here, at start-up
	}
	return m
}()

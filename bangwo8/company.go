package bangwo8

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
	if len(v.list) != len(o.list) {
		return false
	}
	for i := range v.list {
		if v.list[i] != o.list[i] {
			return false
		}
	}
	return true
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
	if !json.Valid(b) {
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
	if !json.Valid(b) {
		var probe any // for encoding/json's own description of what is wrong
		return fmt.Errorf("company: %w", json.Unmarshal(b, &probe))
	}
	out, err := decodeCompany(b)
	if err != nil {
		return fmt.Errorf("company: %w", err)
	}
	*c = out
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
		for k, v := range byKey {
			fields = append(fields, CustomField{Key: k, Value: v})
		}
		sortCustom(fields)
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

func sortCustom(fs []CustomField) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Key < fs[j-1].Key; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// stringField returns a pointer to the string field named by its JSON key.
func (c *Company) stringField(key string) *string {
	switch key {
	case "url":
		return &c.URL
	case "companyName":
		return &c.CompanyName
	case "servicestarttime":
		return &c.ServiceStartTime
	case "serviceendtime":
		return &c.ServiceEndTime
	case "userURL":
		return &c.UserURL
	case "serveNote":
		return &c.ServeNote
	case "serviceCharge":
		return &c.ServiceCharge
	case "serviceaccount":
		return &c.ServiceAccount
	case "servicepassword":
		return &c.ServicePassword
	case "address":
		return &c.Address
	case "createDT":
		return &c.CreateDT
	case "updateDT":
		return &c.UpdateDT
	case "tableName":
		return &c.TableName
	case "province":
		return &c.Province
	case "city":
		return &c.City
	case "service_groupid":
		return &c.ServiceGroupID
	}
	return nil
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
// (read-only fields and Extra are left out). Useful to create a copy of a company.
func (c *Company) Input() CompanyInput {
	in := CompanyInput{
		CompanyName:      Ptr(c.CompanyName),
		ServiceStartTime: Ptr(c.ServiceStartTime),
		ServiceEndTime:   Ptr(c.ServiceEndTime),
		UserURL:          Ptr(c.UserURL),
		ServeNote:        Ptr(c.ServeNote),
		ServiceCharge:    Ptr(c.ServiceCharge),
		ServiceAccount:   Ptr(c.ServiceAccount),
		ServicePassword:  Ptr(c.ServicePassword),
		Address:          Ptr(c.Address),
		CustomFields:     append([]CustomField(nil), c.CustomFields...),
		UserGroup:        Ptr(c.UserGroup),
		TableName:        Ptr(c.TableName),
		Province:         Ptr(c.Province),
		City:             Ptr(c.City),
		ServiceGroupID:   Ptr(c.ServiceGroupID),
	}
	if c.Status != 0 {
		in.Status = Ptr(c.Status)
	}
	return in
}

// Fields is the documented field table, in the vendor's order: the JSON key, the Chinese label
// the vendor's table uses, and whether a client may write it.
var Fields = []FieldInfo{
	{"uId", "公司ID", true},
	{"url", "资源URL", true},
	{"companyName", "公司名称", false},
	{"supportId", "负责客服ID", true},
	{"servicestarttime", "服务开始时间", false},
	{"serviceendtime", "服务结束时间", false},
	{"userURL", "公司网址", false},
	{"serveNote", "备注", false},
	{"serviceCharge", "服务费余额", false},
	{"serviceaccount", "服务账号", false},
	{"servicepassword", "服务密码", false},
	{"address", "公司地址", false},
	{"createDT", "创建时间", true},
	{"updateDT", "更新时间", true},
	{"custom_fields", "公司自定义字段", false},
	{"userGroup", "公司所属分组", false},
	{"tableName", "标签", false},
	{"province", "省份/城市", false},
	{"city", "城市/区", false},
	{"status", "状态", false},
	{"service_groupid", "受理客服组", false},
}

// FieldInfo describes one documented field.
type FieldInfo struct {
	Key      string // the JSON key
	Label    string // the vendor's Chinese label
	ReadOnly bool
}

// Get returns the documented field key as text: integers in decimal, strings as they are.
// custom_fields and unknown keys report false.
func (c *Company) Get(key string) (string, bool) {
	switch key {
	case "uId":
		return strconv.FormatInt(c.UID, 10), true
	case "supportId":
		return strconv.FormatInt(c.SupportID, 10), true
	case "userGroup":
		return strconv.FormatInt(c.UserGroup, 10), true
	case "status":
		return strconv.Itoa(c.Status), true
	}
	if p := c.stringField(key); p != nil {
		return *p, true
	}
	return "", false
}

// Set sets the documented field key from text (the reverse of Get), read-only fields included,
// so that a company can be rebuilt from a file. Integers must be decimal; "" is 0.
func (c *Company) Set(key, value string) error {
	switch key {
	case "uId", "supportId", "userGroup", "status":
		n, err := flexInt([]byte(strconv.Quote(value)))
		if err != nil {
			return fmt.Errorf("field %s: %w", key, err)
		}
		switch key {
		case "uId":
			c.UID = n
		case "supportId":
			c.SupportID = n
		case "userGroup":
			c.UserGroup = n
		case "status":
			c.Status = int(n)
		}
		return nil
	}
	if p := c.stringField(key); p != nil {
		*p = value
		return nil
	}
	return fmt.Errorf("unknown field %q", key)
}

// LookupField returns the documented field named by its JSON key.
func LookupField(key string) (FieldInfo, bool) {
	for _, f := range Fields {
		if f.Key == key {
			return f, true
		}
	}
	return FieldInfo{}, false
}

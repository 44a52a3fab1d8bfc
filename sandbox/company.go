package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// record is a stored company without uId and url: uId is the row's key and url depends on the
// request. Its JSON, in this field order, is what the store keeps and the API answers.
type record struct {
	CompanyName      string        `json:"companyName"`
	Province         string        `json:"province"`
	City             string        `json:"city"`
	SupportID        int64         `json:"supportId"`
	ServiceStartTime string        `json:"servicestarttime"`
	ServiceEndTime   string        `json:"serviceendtime"`
	ServiceCharge    string        `json:"serviceCharge"`
	ServiceAccount   string        `json:"serviceaccount"`
	ServicePassword  string        `json:"servicepassword"`
	Address          string        `json:"address"`
	UserURL          string        `json:"userURL"`
	ServeNote        string        `json:"serveNote"`
	MultiServiceList string        `json:"multiServiceList"`
	ServiceGroupID   string        `json:"service_groupid"`
	CreateDT         string        `json:"createDT"`
	UpdateDT         string        `json:"updateDT"`
	TableName        string        `json:"tableName"`
	CustomFields     []customField `json:"custom_fields"`
	UserGroup        int64         `json:"userGroup"`
	Status           int           `json:"status"`
	SolveDT          string        `json:"solveDT"`
	WaitDT           string        `json:"waitDT"`
	OpenDT           string        `json:"openDT"`
	CloseDT          string        `json:"closeDT"`
}

// customField is one entry of custom_fields; Value is a JSON string or array of strings.
type customField struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

// Values of status.
const (
	statusActive  = 1
	statusDeleted = 2
)

const (
	emptyDate      = "0000-00-00"
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04:05"
)

// chinaTime is the zone of createDT/updateDT; fixed, so no tzdata is needed.
var chinaTime = time.FixedZone("CST", 8*60*60)

// formatDateTime renders t as the service does.
func formatDateTime(t time.Time) string { return t.In(chinaTime).Format(dateTimeLayout) }

// newRecord is a company with the defaults of a fresh create.
func newRecord(now time.Time) record {
	ts := formatDateTime(now)
	return record{
		ServiceStartTime: emptyDate,
		ServiceEndTime:   emptyDate,
		ServiceCharge:    "0.00",
		CreateDT:         ts,
		UpdateDT:         ts,
		CustomFields:     []customField{},
		Status:           statusActive,
	}
}

// marshal encodes the record as stored.
func (r *record) marshal() ([]byte, error) {
	if r.CustomFields == nil {
		r.CustomFields = []customField{}
	}
	return json.Marshal(r)
}

// searchText is a custom field value as the search matches it: a string as it is, a list
// joined with "/".
func (f customField) searchText() string {
	var s string
	if json.Unmarshal(f.Value, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(f.Value, &list) == nil {
		return strings.Join(list, "/")
	}
	return ""
}

// applyMode tells applyFields which fields it may write.
type applyMode int

const (
	modeCreate  applyMode = iota // POST: companyName required, read-only fields refused
	modeUpdate                   // PUT: only the given fields change, read-only fields refused
	modeFixture                  // fixtures: read-only fields kept as given
)

// readOnlyFields may only come from fixtures; a request that writes them gets 422.
var readOnlyFields = map[string]bool{
	"uId": true, "url": true, "supportId": true, "createDT": true, "updateDT": true,
	"multiServiceList": true, "solveDT": true, "waitDT": true, "openDT": true, "closeDT": true,
}

// details collects validation problems by field.
type details map[string][]string

func (d details) add(field, format string, args ...any) {
	d[field] = append(d[field], fmt.Sprintf(format, args...))
}

// applyFields writes the given JSON fields into r and reports every problem by field. uId and
// url are never written here: the caller handles them.
func applyFields(r *record, fields map[string]json.RawMessage, mode applyMode) details {
	d := details{}
	for key, raw := range fields {
		if readOnlyFields[key] && mode != modeFixture {
			d.add(key, "is read-only")
			continue
		}
		switch key {
		case "uId", "url":
			// handled by the caller (fixtures) or refused above
		case "companyName":
			setString(d, key, raw, &r.CompanyName)
			if strings.TrimSpace(r.CompanyName) == "" {
				d.add(key, "must not be empty")
			}
		case "province":
			setString(d, key, raw, &r.Province)
		case "city":
			setString(d, key, raw, &r.City)
		case "serviceaccount":
			setString(d, key, raw, &r.ServiceAccount)
		case "servicepassword":
			setString(d, key, raw, &r.ServicePassword)
		case "address":
			setString(d, key, raw, &r.Address)
		case "userURL":
			setString(d, key, raw, &r.UserURL)
		case "serveNote":
			setString(d, key, raw, &r.ServeNote)
		case "service_groupid":
			setString(d, key, raw, &r.ServiceGroupID)
		case "tableName":
			setString(d, key, raw, &r.TableName)
		case "multiServiceList":
			setString(d, key, raw, &r.MultiServiceList)
		case "solveDT":
			setString(d, key, raw, &r.SolveDT)
		case "waitDT":
			setString(d, key, raw, &r.WaitDT)
		case "openDT":
			setString(d, key, raw, &r.OpenDT)
		case "closeDT":
			setString(d, key, raw, &r.CloseDT)
		case "servicestarttime":
			setDate(d, key, raw, &r.ServiceStartTime)
		case "serviceendtime":
			setDate(d, key, raw, &r.ServiceEndTime)
		case "serviceCharge":
			setCharge(d, key, raw, &r.ServiceCharge)
		case "createDT":
			setDateTime(d, key, raw, &r.CreateDT)
		case "updateDT":
			setDateTime(d, key, raw, &r.UpdateDT)
		case "supportId":
			if n, ok := intValue(d, key, raw, true); ok {
				r.SupportID = n
			}
		case "userGroup":
			if n, ok := intValue(d, key, raw, true); ok {
				r.UserGroup = n
			}
		case "status":
			if n, ok := intValue(d, key, raw, false); ok {
				if n != statusActive && n != statusDeleted {
					d.add(key, "must be 1 (not deleted) or 2 (deleted), not %d", n)
				} else {
					r.Status = int(n)
				}
			}
		case "custom_fields":
			setCustomFields(d, raw, r)
		default:
			d.add(key, "is not a company field")
		}
	}
	if mode == modeCreate || mode == modeFixture {
		if _, ok := fields["companyName"]; !ok {
			d.add("companyName", "is required")
		}
	}
	if len(d) == 0 {
		return nil
	}
	return d
}

// stringValue reads a JSON string; a number is taken as its text and null as "".
func stringValue(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "null":
		return "", true
	case len(raw) > 0 && raw[0] == '"':
		var s string
		return s, json.Unmarshal(raw, &s) == nil
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String(), true
	}
	return "", false
}

func setString(d details, key string, raw json.RawMessage, dst *string) {
	s, ok := stringValue(raw)
	if !ok {
		d.add(key, "must be a string, not %.40s", raw)
		return
	}
	*dst = s
}

// setDate accepts YYYY-MM-DD of a real day, or "" / "0000-00-00" for no date.
func setDate(d details, key string, raw json.RawMessage, dst *string) {
	s, ok := stringValue(raw)
	if !ok {
		d.add(key, "must be a date string YYYY-MM-DD, not %.40s", raw)
		return
	}
	if s == "" || s == emptyDate {
		*dst = emptyDate
		return
	}
	if _, err := time.Parse(dateLayout, s); err != nil {
		d.add(key, "must be a real date YYYY-MM-DD, not %q", s)
		return
	}
	*dst = s
}

// setDateTime accepts "YYYY-MM-DD HH:MM:SS" or a bare day, stored as that day's midnight.
func setDateTime(d details, key string, raw json.RawMessage, dst *string) {
	s, _ := stringValue(raw)
	if t, err := time.Parse(dateTimeLayout, s); err == nil {
		*dst = t.Format(dateTimeLayout)
		return
	}
	if t, err := time.Parse(dateLayout, s); err == nil {
		*dst = t.Format(dateTimeLayout)
		return
	}
	d.add(key, "must be a date and time YYYY-MM-DD HH:MM:SS, not %.40s", raw)
}

var chargePattern = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,2})?$`)

// setCharge accepts a decimal with up to two places and stores it with exactly two.
func setCharge(d details, key string, raw json.RawMessage, dst *string) {
	s, ok := stringValue(raw)
	if !ok || (s != "" && !chargePattern.MatchString(s)) {
		d.add(key, "must be a decimal amount like 12.50, not %.40s", raw)
		return
	}
	switch i := strings.IndexByte(s, '.'); {
	case s == "":
		s = "0.00"
	case i < 0:
		s += ".00"
	case len(s)-i == 2:
		s += "0"
	}
	*dst = s
}

// intValue reads an integer sent as a JSON number or a string of digits; "" is 0 when
// emptyIsZero.
func intValue(d details, key string, raw json.RawMessage, emptyIsZero bool) (int64, bool) {
	s, ok := stringValue(raw)
	if ok && s == "" && emptyIsZero {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if !ok || err != nil {
		d.add(key, "must be an integer, not %.40s", raw)
		return 0, false
	}
	return n, true
}

// setCustomFields merges [{key, value}] into r by key. A value is a string or an array of
// strings; numbers are taken as their text and null as "".
func setCustomFields(d details, raw json.RawMessage, r *record) {
	var in []struct {
		Key   *string         `json:"key"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		d.add("custom_fields", "must be an array of {\"key\", \"value\"}")
		return
	}
	for i, f := range in {
		if f.Key == nil || *f.Key == "" {
			d.add("custom_fields", "entry %d has no key", i)
			continue
		}
		value, ok := customValue(f.Value)
		if !ok {
			d.add("custom_fields", "%s: value must be a string or an array of strings, not %.40s", *f.Key, f.Value)
			continue
		}
		setCustom(r, *f.Key, value)
	}
}

// customValue normalises a custom field value to a JSON string or array of strings.
func customValue(raw json.RawMessage) (json.RawMessage, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return json.RawMessage(`""`), true
	}
	if raw[0] == '[' {
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			return nil, false
		}
		list := make([]string, 0, len(elems))
		for _, e := range elems {
			s, ok := stringValue(e)
			if !ok {
				return nil, false
			}
			list = append(list, s)
		}
		b, err := json.Marshal(list)
		return b, err == nil
	}
	s, ok := stringValue(raw)
	if !ok {
		return nil, false
	}
	b, err := json.Marshal(s)
	return b, err == nil
}

// setCustom replaces the value of key, or appends the field.
func setCustom(r *record, key string, value json.RawMessage) {
	for i := range r.CustomFields {
		if r.CustomFields[i].Key == key {
			r.CustomFields[i].Value = value
			return
		}
	}
	r.CustomFields = append(r.CustomFields, customField{Key: key, Value: value})
}

package bangwo8

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The decoder walks a record once instead of handing each part to encoding/json (decode.go).
// FuzzDecodeMatchesEncodingJSON checks it against the straightforward decoder it replaced,
// kept here: for any input, both succeed or both fail, and when they succeed they agree.

type legacyValue struct{ v FieldValue }

func (l *legacyValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		list := make([]string, 0, len(raw))
		for _, r := range raw {
			s, err := legacyScalar(r)
			if err != nil {
				return err
			}
			list = append(list, s)
		}
		l.v = FieldValue{list: list, isList: true}
		return nil
	}
	s, err := legacyScalar(b)
	l.v = FieldValue{text: s}
	return err
}

type legacyField struct {
	Key   string      `json:"key"`
	Value legacyValue `json:"value"`
}

func legacyScalar(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return "", nil
	case b[0] == '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case string(b) == "true" || string(b) == "false":
		return string(b), nil
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return "", fmt.Errorf("not a scalar: %.40s", b)
		}
		return n.String(), nil
	}
}

func legacyInt(b []byte) (int64, error) {
	s, err := legacyScalar(b)
	if err != nil {
		return 0, err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, fmt.Errorf("not an integer: %q", s)
		}
		return int64(f), nil
	}
	return n, nil
}

func legacyDecode(b []byte) (Company, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return Company{}, err
	}
	var out Company
	for key, val := range raw {
		var err error
		switch key {
		case "uId":
			out.UID, err = legacyInt(val)
		case "supportId":
			out.SupportID, err = legacyInt(val)
		case "userGroup":
			out.UserGroup, err = legacyInt(val)
		case "status":
			var n int64
			n, err = legacyInt(val)
			out.Status = int(n)
		case "custom_fields":
			v := bytes.TrimSpace(val)
			switch {
			case len(v) == 0 || string(v) == "null" || string(v) == `""`:
			case v[0] == '{':
				var m map[string]legacyValue
				if err = json.Unmarshal(v, &m); err == nil {
					for k, fv := range m {
						out.CustomFields = append(out.CustomFields, CustomField{Key: k, Value: fv.v})
					}
					slices.SortFunc(out.CustomFields, func(a, b CustomField) int { return strings.Compare(a.Key, b.Key) })
				}
			default:
				var fields []legacyField
				if err = json.Unmarshal(v, &fields); err == nil {
					out.CustomFields = make([]CustomField, len(fields))
					for i, f := range fields {
						out.CustomFields[i] = CustomField{Key: f.Key, Value: f.Value.v}
					}
				}
			}
		case "url", "companyName", "servicestarttime", "serviceendtime", "userURL", "serveNote",
			"serviceCharge", "serviceaccount", "servicepassword", "address", "createDT",
			"updateDT", "tableName", "province", "city", "service_groupid":
			var s string
			s, err = legacyScalar(val)
			*legacyStringField(&out, key) = s
		default:
			if out.Extra == nil {
				out.Extra = make(map[string]json.RawMessage)
			}
			out.Extra[key] = append(json.RawMessage(nil), val...)
		}
		if err != nil {
			return Company{}, err
		}
	}
	out.ServiceStartTime = normDate(out.ServiceStartTime)
	out.ServiceEndTime = normDate(out.ServiceEndTime)
	out.CreateDT = normDate(out.CreateDT)
	out.UpdateDT = normDate(out.UpdateDT)
	return out, nil
}

// legacyStringField is the decoder's old spelling of the string fields, kept with it so that
// the oracle does not share the field table under test.
func legacyStringField(c *Company, key string) *string {
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
	panic("legacyStringField: " + key)
}

func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	f.Add([]byte(vendorExample))
	f.Add([]byte(`{"uId": "12.0", "custom_fields": {"a": ["x", 1, null], "a": "y"}, "extra": {"b": [1, 2]}}`))
	f.Add([]byte(`{"uId": "x", "uId": 3, "companyName": "a\u00e9\"b\\", "status": -0.0e1}`))
	f.Add([]byte(`{"custom_fields": [null, {"KEY": "k", "Value": ["a", true, 1.5e3]}, {"key": null, "value": null}]}`))
	f.Add([]byte(`{"custom_fields": [1]}`))
	f.Add([]byte(`{"custom_fields": {}, "userGroup": "", "createDT": "0000-00-00", "x": "<&>"}`))
	f.Add([]byte(` null `))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr := legacyDecode(data)
		var got Company
		gotErr := json.Unmarshal(data, &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("errors differ: legacy %v, new %v\ninput %q", wantErr, gotErr, data)
		}
		if wantErr != nil {
			return
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("decoders differ on %q:\nlegacy %#v\nnew    %#v", data, want, got)
		}
	})
}

func BenchmarkDecodeCompany(b *testing.B) {
	data := []byte(vendorExample)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var c Company
		if err := json.Unmarshal(data, &c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeErrorIsTheFirstField: of several fields in error, the one that comes first in the
// record is reported, every time (the errors were once kept in a map and one taken at random).
func TestDecodeErrorIsTheFirstField(t *testing.T) {
	tests := []struct {
		json, want string
	}{
		{`{"uId": "x", "status": "y", "userGroup": "z"}`, "company field uId:"},
		{`{"status": "y", "uId": "x", "userGroup": "z"}`, "company field status:"},
		{`{"userGroup": "z", "custom_fields": 1, "status": "y"}`, "company field userGroup:"},
		// A value replaced by a later, good one is forgotten.
		{`{"uId": "x", "status": "y", "uId": 3}`, "company field status:"},
		// A field in error twice keeps its first place, with its last error.
		{`{"uId": "x", "status": "y", "uId": "w"}`, `company field uId: not an integer: "w"`},
	}
	for _, tt := range tests {
		for range 20 {
			var c Company
			err := json.Unmarshal([]byte(tt.json), &c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("%s: error %v, want %q", tt.json, err, tt.want)
			}
		}
	}
}

// TestUnmarshalErrorLeavesCompany: a record that fails to decode leaves the Company as it was.
func TestUnmarshalErrorLeavesCompany(t *testing.T) {
	c := Company{UID: 7, CompanyName: "a", Extra: map[string]json.RawMessage{"x": json.RawMessage(`1`)}}
	if err := json.Unmarshal([]byte(`{"companyName": "b", "uId": "x"}`), &c); err == nil {
		t.Fatal("no error")
	}
	if c.UID != 7 || c.CompanyName != "a" || string(c.Extra["x"]) != "1" {
		t.Errorf("after a failed decode: %+v", c)
	}
	if err := json.Unmarshal([]byte(`{"companyName": "b"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.UID != 0 || c.CompanyName != "b" || c.Extra != nil {
		t.Errorf("a decode over a filled Company keeps old values: %+v", c)
	}
}

package bangwo8

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

func TestCompanyUnmarshalShapes(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		check func(t *testing.T, c Company)
	}{
		{"numbers", `{"uId": 111, "supportId": 5, "userGroup": 221, "status": 1}`, func(t *testing.T, c Company) {
			if c.UID != 111 || c.SupportID != 5 || c.UserGroup != 221 || c.Status != 1 {
				t.Errorf("got %+v", c)
			}
		}},
		{"numbers as strings", `{"uId": "9516936", "supportId": "0", "userGroup": "7", "status": "2"}`, func(t *testing.T, c Company) {
			if c.UID != 9516936 || c.SupportID != 0 || c.UserGroup != 7 || !c.Deleted() {
				t.Errorf("got %+v", c)
			}
		}},
		{"empty string ints and nulls", `{"uId": "12", "userGroup": "", "supportId": null, "status": ""}`, func(t *testing.T, c Company) {
			if c.UID != 12 || c.UserGroup != 0 || c.SupportID != 0 || c.Status != 0 {
				t.Errorf("got %+v", c)
			}
		}},
		{"float-looking int", `{"uId": "12.0", "userGroup": 3.0}`, func(t *testing.T, c Company) {
			if c.UID != 12 || c.UserGroup != 3 {
				t.Errorf("got %+v", c)
			}
		}},
		{"zero and empty dates", `{"servicestarttime": "0000-00-00", "serviceendtime": "", "createDT": "0000-00-00 00:00:00", "updateDT": "2022-11-15 10:33:16"}`, func(t *testing.T, c Company) {
			if c.ServiceStartTime != "" || c.ServiceEndTime != "" || c.CreateDT != "" || c.UpdateDT != "2022-11-15 10:33:16" {
				t.Errorf("got %+v", c)
			}
		}},
		{"custom values of every shape", `{"custom_fields": [
			{"key": "deptid", "value": ""},
			{"key": "field_1", "value": ["北京市", "二级1", "三级1"]},
			{"key": "field_2", "value": 4668669},
			{"key": "field_3", "value": null},
			{"key": "fxk", "value": "是"},
			{"key": "gjfx", "value": "4672422,4672423"},
			{"key": "flag", "value": true},
			{"key": "mixed", "value": ["a", 1, null]},
			{"key": "none", "value": []}]}`, func(t *testing.T, c Company) {
			want := map[string]FieldValue{
				"deptid": Text(""), "field_1": List("北京市", "二级1", "三级1"), "field_2": Text("4668669"),
				"field_3": Text(""), "fxk": Text("是"), "gjfx": Text("4672422,4672423"), "flag": Text("true"),
				"mixed": List("a", "1", ""), "none": List(),
			}
			for k, w := range want {
				got, ok := c.Custom(k)
				if !ok || !got.Equal(w) {
					t.Errorf("custom %s = %#v (present %v), want %#v", k, got, ok, w)
				}
			}
		}},
		{"custom fields as object", `{"custom_fields": {"field_2": "b", "expect_time": "2024-01-01", "field_1": ["x"]}}`, func(t *testing.T, c Company) {
			keys := []string{}
			for _, f := range c.CustomFields {
				keys = append(keys, f.Key)
			}
			if !reflect.DeepEqual(keys, []string{"expect_time", "field_1", "field_2"}) {
				t.Errorf("keys = %v, want sorted", keys)
			}
		}},
		{"custom fields null or empty string", `{"custom_fields": ""}`, func(t *testing.T, c Company) {
			if c.CustomFields != nil {
				t.Errorf("got %v", c.CustomFields)
			}
		}},
		{"unknown fields kept", `{"uId": 1, "multiServiceList": "N1331193N", "solveDT": "", "nested": {"a": [1, 2]}}`, func(t *testing.T, c Company) {
			if len(c.Extra) != 3 || string(c.Extra["multiServiceList"]) != `"N1331193N"` {
				t.Errorf("Extra = %v", c.Extra)
			}
		}},
		{"numbers in string fields", `{"serviceCharge": 12.50, "serviceaccount": 2}`, func(t *testing.T, c Company) {
			if c.ServiceCharge != "12.50" || c.ServiceAccount != "2" {
				t.Errorf("got %+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Company
			if err := json.Unmarshal([]byte(tt.json), &c); err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestCompanyUnmarshalErrorsNameTheField(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"uId": "abc"}`, `company field uId: not an integer: "abc"`},
		{`{"userGroup": "1.5"}`, "company field userGroup"},
		{`{"custom_fields": [{"key": "f", "value": {"a": 1}}]}`, "custom_fields"},
		{`{"companyName": {"a": 1}}`, "company field companyName"},
		{`[1, 2]`, "company:"},
	}
	for _, tt := range tests {
		var c Company
		err := json.Unmarshal([]byte(tt.json), &c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Unmarshal(%s) error = %v, want it to contain %q", tt.json, err, tt.want)
		}
	}
}

// vendorExample is the vendor's own list element, with its odd shapes.
const vendorExample = `{ "uId": "9516936", "companyName": "测试公司2", "province": "吉林", "city": "长春",
 "supportId": "0", "servicestarttime": "2021-09-28", "serviceendtime": "2022-01-31",
 "serviceCharge": "0.00", "serviceaccount": "002", "servicepassword": "002", "address": "",
 "multiServiceList": "", "createDT": "2021-09-28 11:38:56", "updateDT": "2022-11-15 10:33:16",
 "tableName": "", "custom_fields": [ { "key": "deptid", "value": "" },
 { "key": "field_1", "value": [ "天津市" ] }, { "key": "field_2", "value": "0" },
 { "key": "fxk", "value": "否" } ], "userGroup": "", "solveDT": "", "waitDT": "",
 "openDT": "", "closeDT": "" }`

func TestCompanyRoundTripKeepsEverything(t *testing.T) {
	var first Company
	if err := json.Unmarshal([]byte(vendorExample), &first); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(out, &generic); err != nil {
		t.Fatalf("MarshalJSON wrote invalid JSON: %v\n%s", err, out)
	}
	for _, key := range []string{"multiServiceList", "solveDT", "waitDT", "openDT", "closeDT", "uId", "custom_fields"} {
		if _, ok := generic[key]; !ok {
			t.Errorf("re-marshalled company lacks %q: %s", key, out)
		}
	}
	var second Company
	if err := json.Unmarshal(out, &second); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("round trip changed the company:\n%+v\n%+v", first, second)
	}
}

func TestInputLeavesOutReadOnlyFields(t *testing.T) {
	var c Company
	if err := json.Unmarshal([]byte(vendorExample), &c); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c.Input())
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, f := range field.All() {
		_, sent := got[string(f.Key)]
		if f.ReadOnly && sent {
			t.Errorf("Input() sends the read-only field %s", f.Key)
		}
	}
	for key := range got {
		if f, ok := field.Lookup(field.Key(key)); !ok || f.ReadOnly {
			t.Errorf("Input() sends %q, which is not a documented writable field", key)
		}
	}
	if _, ok := got["status"]; ok {
		t.Errorf("Input() of a company without status sends status")
	}
	if string(got["companyName"]) != `"测试公司2"` {
		t.Errorf("companyName = %s", got["companyName"])
	}
	c.Status = StatusDeleted
	if in := c.Input(); in.Status == nil || *in.Status != StatusDeleted {
		t.Errorf("Input().Status = %v, want 2", in.Status)
	}
}

func TestCompanyInputSendsOnlySetFields(t *testing.T) {
	in := CompanyInput{CompanyName: Ptr("金万维"), UserGroup: Ptr(int64(0)), ServeNote: Ptr("")}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	// A pointer to a zero value is sent: it means "set to empty", not "leave alone".
	if want := `{"companyName":"金万维","serveNote":"","userGroup":0}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}

func TestFieldValue(t *testing.T) {
	tests := []struct {
		v       FieldValue
		json    string
		str     string
		strings []string
		isList  bool
	}{
		{Text(""), `""`, "", nil, false},
		{FieldValue{}, `""`, "", nil, false},
		{Text("是"), `"是"`, "是", []string{"是"}, false},
		{List(), `[]`, "", []string{}, true},
		{List("北京市", "二级1"), `["北京市","二级1"]`, "北京市/二级1", []string{"北京市", "二级1"}, true},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.v)
		if err != nil || string(b) != tt.json {
			t.Errorf("Marshal(%#v) = %s, %v; want %s", tt.v, b, err, tt.json)
		}
		if tt.v.String() != tt.str || tt.v.IsList() != tt.isList {
			t.Errorf("%#v: String %q IsList %v", tt.v, tt.v.String(), tt.v.IsList())
		}
		if got := tt.v.Strings(); len(got) != len(tt.strings) || (len(got) > 0 && !reflect.DeepEqual(got, tt.strings)) {
			t.Errorf("%#v: Strings = %#v, want %#v", tt.v, got, tt.strings)
		}
		var back FieldValue
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(tt.v) {
			t.Errorf("%s decoded to %#v, %v", b, back, err)
		}
	}
	if Text("a").Equal(List("a")) || List("a").Equal(List("a", "b")) || List("a").Equal(List("b")) {
		t.Error("Equal confuses different values")
	}
	// List copies its arguments: the caller's slice may change afterwards.
	elems := []string{"x"}
	v := List(elems...)
	elems[0] = "y"
	if v.String() != "x" {
		t.Errorf("List aliased its argument: %q", v.String())
	}
}

func TestCustomAndSetCustom(t *testing.T) {
	var c Company
	if _, ok := c.Custom("field_1"); ok {
		t.Fatal("Custom on an empty company reports a field")
	}
	c.SetCustom("field_1", Text("a"))
	c.SetCustom("field_2", List("b"))
	c.SetCustom("field_1", Text("c"))
	if len(c.CustomFields) != 2 {
		t.Fatalf("fields = %v", c.CustomFields)
	}
	if v, _ := c.Custom("field_1"); !v.Equal(Text("c")) {
		t.Errorf("field_1 = %v", v)
	}
}

func TestGetSet(t *testing.T) {
	var c Company
	for _, f := range field.All() {
		if f.Key == field.CustomFields {
			if _, ok := c.Get(f.Key); ok {
				t.Errorf("Get(custom_fields) reports true")
			}
			continue
		}
		value := "7"
		if err := c.Set(f.Key, value); err != nil {
			t.Errorf("Set(%s): %v", f.Key, err)
		}
		if got, ok := c.Get(f.Key); !ok || got != value {
			t.Errorf("Get(%s) = %q, %v after Set", f.Key, got, ok)
		}
	}
	if err := c.Set("uId", "x1"); err == nil || !strings.Contains(err.Error(), "uId") {
		t.Errorf("Set(uId, x1) error = %v, want it to name the field", err)
	}
	if err := c.Set("uId", ""); err != nil || c.UID != 0 {
		t.Errorf(`Set(uId, "") = %v, UID %d`, err, c.UID)
	}
	if err := c.Set("nope", "1"); err == nil {
		t.Error("Set of an unknown field succeeded")
	}
	if _, ok := c.Get("nope"); ok {
		t.Error("Get of an unknown field reports true")
	}
}

func FuzzCompanyUnmarshal(f *testing.F) {
	f.Add([]byte(vendorExample))
	f.Add([]byte(`{"uId": "12.0", "custom_fields": {"a": ["x", 1, null]}, "extra": {"b": [1, 2]}}`))
	f.Add([]byte(`{"userGroup": "", "custom_fields": "", "createDT": "0000-00-00", "x": "<&>"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var first Company
		if err := json.Unmarshal(data, &first); err != nil {
			return
		}
		out, err := json.Marshal(first)
		if err != nil {
			t.Fatalf("a decoded company does not marshal: %v", err)
		}
		var second Company
		if err := json.Unmarshal(out, &second); err != nil {
			t.Fatalf("re-marshalled company does not decode: %v\n%s", err, out)
		}
		// Extra is raw JSON, which Marshal compacts and escapes: compare it through its
		// encoding, and everything else as values.
		again, err := json.Marshal(second)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("marshal is not stable:\n%s\n%s", out, again)
		}
		first.Extra, second.Extra = nil, nil
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("round trip changed the company:\n%#v\n%#v", first, second)
		}
	})
}

// TestFieldTableMatchesStructs: the JSON keys of Company are those of the field table, in its
// order; CompanyInput has exactly the writable ones; every field has a slot of its kind.
func TestFieldTableMatchesStructs(t *testing.T) {
	var want, writable []string
	for _, f := range field.All() {
		want = append(want, string(f.Key))
		if !f.ReadOnly {
			writable = append(writable, string(f.Key))
		}
		s := slots[f.Key]
		switch {
		case s == nil:
			t.Errorf("%s has no slot", f.Key)
		case s.kind != f.Kind:
			t.Errorf("%s: slot kind %v, table kind %v", f.Key, s.kind, f.Kind)
		case f.Kind == field.Custom && (s.text != nil || s.getInt != nil):
			t.Errorf("%s: custom_fields has accessors", f.Key)
		case f.Kind.Integer() && (s.getInt == nil || s.text != nil):
			t.Errorf("%s: an integer field without integer accessors", f.Key)
		case f.Kind != field.Custom && !f.Kind.Integer() && (s.text == nil || s.getInt != nil):
			t.Errorf("%s: a text field without text accessors", f.Key)
		case f.ReadOnly != (s.inText == nil && s.inInt == nil) && f.Kind != field.Custom:
			t.Errorf("%s: read-only %v, but input accessors say otherwise", f.Key, f.ReadOnly)
		}
	}
	if len(slots) != len(want) {
		t.Errorf("%d slots for %d fields", len(slots), len(want))
	}
	if got := jsonKeys(reflect.TypeFor[Company]()); !slices.Equal(got, want) {
		t.Errorf("Company keys %q, the table's %q", got, want)
	}
	if got := jsonKeys(reflect.TypeFor[CompanyInput]()); !slices.Equal(got, writable) {
		t.Errorf("CompanyInput keys %q, the table's writable %q", got, writable)
	}
}

// jsonKeys returns the JSON names of the fields of struct type typ, in order.
func jsonKeys(typ reflect.Type) []string {
	var out []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// TestCompanyInputSet sets writable fields from text and refuses the others.
func TestCompanyInputSet(t *testing.T) {
	var in CompanyInput
	for _, kv := range [][2]string{{"companyName", "甲"}, {"userGroup", "12"}, {"status", "2"}, {"serviceCharge", "1.50"}} {
		if err := in.Set(field.Key(kv[0]), kv[1]); err != nil {
			t.Fatalf("Set(%s): %v", kv[0], err)
		}
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"companyName":"甲","serviceCharge":"1.50","userGroup":12,"status":2}`; string(b) != want {
		t.Errorf("body %s, want %s", b, want)
	}
	for _, kv := range [][2]string{{"uId", "1"}, {"createDT", "2020-01-01"}, {"custom_fields", "x"}, {"nope", "1"}, {"userGroup", "x"}} {
		if err := in.Set(field.Key(kv[0]), kv[1]); err == nil || !strings.Contains(err.Error(), kv[0]) {
			t.Errorf("Set(%s, %q) = %v, want an error naming the field", kv[0], kv[1], err)
		}
	}
}

// TestCompanyInputGet reads back every writable field Set sets, and nothing it does not.
func TestCompanyInputGet(t *testing.T) {
	var in CompanyInput
	set := map[field.Key]string{"companyName": "甲", "userGroup": "12", "status": "2", "serviceCharge": "1.50", "servicestarttime": ""}
	for k, v := range set {
		if err := in.Set(k, v); err != nil {
			t.Fatalf("Set(%s): %v", k, err)
		}
	}
	for _, f := range field.All() {
		got, ok := in.Get(f.Key)
		want, wantOK := set[f.Key]
		if got != want || ok != wantOK {
			t.Errorf("Get(%s) = %q, %v; want %q, %v", f.Key, got, ok, want, wantOK)
		}
	}
	if _, ok := in.Get("nope"); ok {
		t.Error("Get of an unknown key reports it set")
	}
}

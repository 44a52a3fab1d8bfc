package mapping

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
)

func TestMangled(t *testing.T) {
	for _, tc := range []struct {
		current, cell string
		want          Mangling
	}{
		{"00123", "123", LostZeros},
		{"000", "0", LostZeros},
		{"00123", "123.0", TrailingZero},
		{"123", "123.0", TrailingZero},
		{"123", "123.00", TrailingZero},
		{"123456789012", "1.23457E+11", Scientific},
		{"123456789012", "1.23457e11", Scientific},
		{"123000000000", "1.23E+11", Scientific},
		{"123456789012", "1.23E+11", ""}, // 1.23456789012E+11 rounds to 1.23E+11 only at 3 digits: it does
		{"00123", "00123", ""},
		{"00123", "124", ""},
		{"00123", "0123", ""}, // a person's edit, not a program's
		{"abc", "abc.0", ""},
		{"A00123", "123", ""},
		{"", "123", ""},
		{"123", "", ""},
		{"124000000000", "1.23E+11", ""},
	} {
		want := tc.want
		if tc.current == "123456789012" && tc.cell == "1.23E+11" {
			want = Scientific // see above: 1.23456789012E+11 at 3 significant digits is 1.23E+11
		}
		if got := Mangled(tc.current, tc.cell); got != want {
			t.Errorf("Mangled(%q, %q) = %q, want %q", tc.current, tc.cell, got, want)
		}
	}
	for key, base := range map[string]string{"123": "123", "00123": "123", "123.0": "123", "0": "0", "1.2E+11": "", "abc": ""} {
		if got := ManglingBase(key); got != base {
			t.Errorf("ManglingBase(%q) = %q, want %q", key, got, base)
		}
	}
	for key, may := range map[string]bool{"123": true, "1.2E+11": true, "7.0": true, "acc-1": false, "12.5": false, "": false} {
		if got := MayBeMangled(key); got != may {
			t.Errorf("MayBeMangled(%q) = %v", key, got)
		}
	}
}

func TestIsClearMarker(t *testing.T) {
	for cell, want := range map[string]bool{
		"#清空": true, " #清空 ": true, "＃清空": true, "#CLEAR": true, "#clear": true, "＃ＣＬＥＡＲ": true,
		"清空": false, "#清空了": false, "CLEAR": false, "": false, "#": false, "#N/A": false,
	} {
		if got := IsClearMarker(cell); got != want {
			t.Errorf("IsClearMarker(%q) = %v, want %v", cell, got, want)
		}
	}
}

// keepMapping has a column of every kind the empty-cell rules treat differently.
func keepMapping(t *testing.T) *Binding {
	t.Helper()
	m, err := Parse("m.yaml", []byte(`version: 1
match: serviceaccount
columns:
  - {header: 公司ID, field: uId}
  - {header: 名称, field: companyName, required: true}
  - {header: 账号, field: serviceaccount}
  - {header: 地址, field: address}
  - {header: 网址, field: userURL, type: url, empty: clear}
  - {header: 分组, field: userGroup}
  - {header: 余额, field: serviceCharge}
  - {header: 级别, field: custom.field_2}
  - {header: 产品, field: custom.products, type: list}
  - {header: 状态, field: status}
`))
	if err != nil {
		t.Fatal(err)
	}
	b, ps := m.Bind(m.Headers(), ReadOptions{})
	if b == nil {
		t.Fatal(ps)
	}
	return b
}

func TestEmptyKeepsAndMarkerClears(t *testing.T) {
	b := keepMapping(t)
	existing := company(t, `{"uId": 7, "companyName": "甲", "serviceaccount": "00123", "address": "北京",
		"userURL": "a.com", "userGroup": 3, "serviceCharge": "1234.50", "status": 1,
		"custom_fields": [{"key": "field_2", "value": "重要"}, {"key": "products", "value": ["A", "B"]}]}`)

	// Empty cells keep, except the empty: clear column; the account lost its zeros.
	r, ps := b.Record(2, []string{"7", "甲", "123", "", "", "", "", "", "", ""})
	if r == nil {
		t.Fatal(ps)
	}
	changes := r.Diff(existing)
	if len(changes) != 1 || changes[0].Field != "userURL" || !changes[0].Clear || changes[0].Old != "a.com" || changes[0].New != "" {
		t.Errorf("changes %+v, want userURL cleared only", changes)
	}
	kept := r.Kept(existing)
	if len(kept) != 1 || kept[0] != (Kept{Field: "serviceaccount", Header: "账号", Cell: "123", Current: "00123", How: LostZeros}) {
		t.Errorf("kept %+v", kept)
	}
	if r.Key != "123" {
		t.Errorf("key %q", r.Key)
	}

	// The marker clears one value, whatever empty: says.
	r, ps = b.Record(3, []string{"7", "甲", "00123", "#清空", "a.com", "#CLEAR", "＃清空", "#清空", "#清空", ""})
	if r == nil {
		t.Fatal(ps)
	}
	in, changes := r.Update(existing)
	got, _ := json.Marshal(in)
	want := `{"serviceCharge":"","address":"","custom_fields":[{"key":"field_2","value":""},{"key":"products","value":[]}],"userGroup":0}`
	if string(got) != want {
		t.Errorf("update\n got %s\nwant %s", got, want)
	}
	for _, c := range changes {
		if !c.Clear || (c.New != "" && c.Field != "userGroup") { // a group's "none" is 0
			t.Errorf("change %+v is not a clear", c)
		}
	}
	if len(changes) != 5 {
		t.Errorf("%d changes, want 5: %+v", len(changes), changes)
	}

	// The marker cannot clear a required column, a status or a uId.
	for i, cells := range [][]string{
		{"7", "#清空", "", "", "", "", "", "", "", ""},
		{"7", "甲", "", "", "", "", "", "", "", "#清空"},
		{"#清空", "甲", "", "", "", "", "", "", "", ""},
	} {
		if r, ps := b.Record(4, cells); r != nil || len(ps) != 1 {
			t.Errorf("case %d: the marker was taken: %+v %v", i, r, ps)
		} else if ps[0].Rule != RuleRequired && ps[0].Rule != RuleClear && ps[0].Rule != RuleInt {
			t.Errorf("case %d: rule %s", i, ps[0].Rule)
		}
	}
}

func TestSensitiveChangeShowsNoValue(t *testing.T) {
	m, err := Parse("m.yaml", []byte("version: 1\ncolumns:\n  - {header: 密码, field: servicepassword}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Bind(m.Headers(), ReadOptions{})
	r, _ := b.Record(2, []string{"new-secret"})
	ch := r.Diff(company(t, `{"servicepassword": "old-secret"}`))
	if len(ch) != 1 || ch[0].Old != "***" || ch[0].New != "***" {
		t.Errorf("change %+v", ch)
	}
}

func TestNumbersAsTyped(t *testing.T) {
	m, err := Parse("m.yaml", []byte(`version: 1
columns:
  - {header: 余额, field: serviceCharge}
  - {header: 分组, field: userGroup}
  - {header: 账号, field: serviceaccount}
`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Bind(m.Headers(), ReadOptions{})
	for _, tc := range []struct{ cell, want string }{
		{"0.10000000000000001", "0.1"},
		{"9913.8099999999995", "9913.81"},
		{"1234.50", "1234.50"},                     // as typed
		{"12345678901234567", "12345678901234567"}, // a whole number keeps every digit
		{"1E-05", "0.00001"},
	} {
		r, ps := b.Record(2, []string{tc.cell, "", ""})
		if r == nil {
			t.Fatalf("%q: %v", tc.cell, ps)
		}
		if got := r.Values[0].Text; got != tc.want {
			t.Errorf("decimal %q read as %q, want %q", tc.cell, got, tc.want)
		}
	}
	r, ps := b.Record(2, []string{"", "3.0000000000000000", "123456789012345678"})
	if r == nil {
		t.Fatal(ps)
	}
	if r.Values[1].Text != "3" || r.Values[2].Text != "123456789012345678" {
		t.Errorf("int %q, text %q", r.Values[1].Text, r.Values[2].Text)
	}
	// Compared as numbers: no change against the company's 9913.81 or 1234.5.
	r, _ = b.Record(2, []string{"9913.8099999999995", "", ""})
	if d := r.Diff(&bangwo8.Company{ServiceCharge: "9913.81"}); len(d) != 0 {
		t.Errorf("changes %+v", d)
	}
	r, _ = b.Record(2, []string{"1234.5", "", ""})
	if d := r.Diff(&bangwo8.Company{ServiceCharge: "1234.50"}); len(d) != 0 {
		t.Errorf("changes %+v", d)
	}
}

// FuzzMangled checks that a mangling is only ever found between a digit string and another
// spelling of it, and that the clear marker is never found in a cell without its #.
func FuzzMangled(f *testing.F) {
	f.Add("00123", "123")
	f.Add("123456789012", "1.23457E+11")
	f.Add("123", "123.0")
	f.Add("", "#清空")
	f.Fuzz(func(t *testing.T, current, cell string) {
		if IsClearMarker(cell) && !strings.Contains(strings.ToUpper(foldWidth(cell)), "#") {
			t.Errorf("IsClearMarker(%q) without a #", cell)
		}
		how := Mangled(current, cell)
		if how == "" {
			return
		}
		if !digitsRE.MatchString(trimSpace(current)) || trimSpace(current) == trimSpace(cell) || !MayBeMangled(cell) {
			t.Errorf("Mangled(%q, %q) = %q", current, cell, how)
		}
		if how != Scientific && ManglingBase(cell) != noLeadingZeros(trimSpace(current)) {
			t.Errorf("Mangled(%q, %q) = %q but the bases differ", current, cell, how)
		}
	})
}

// TestMangledLongMantissaIsCheap: a hostile cell with a mantissa of thousands of digits is
// not taken for a program's rounding, and costs no long formatting.
func TestMangledLongMantissaIsCheap(t *testing.T) {
	cell := "1." + strings.Repeat("2", 30000) + "E+11"
	if got := Mangled("122222222222", cell); got != "" {
		t.Errorf("Mangled = %q", got)
	}
}

// TestScientificKeyFailsItsPatternWithTheCause: a key a spreadsheet program wrote as
// 1.23457E+11 breaks an account pattern; the message says why and how to fix it.
func TestScientificKeyFailsItsPatternWithTheCause(t *testing.T) {
	m, err := Parse("m.yaml", []byte("version: 1\ncolumns:\n  - {header: 账号, field: serviceaccount, pattern: '[A-Za-z0-9_]+'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Bind(m.Headers(), ReadOptions{})
	if _, ps := b.Record(2, []string{"1.23457E+11"}); len(ps) != 1 || ps[0].Rule != RulePattern || !strings.Contains(ps[0].Message, "scientific notation") {
		t.Errorf("problems %+v", ps)
	}
	if _, ps := b.Record(2, []string{"a b"}); len(ps) != 1 || strings.Contains(ps[0].Message, "scientific") {
		t.Errorf("problems %+v", ps)
	}
}

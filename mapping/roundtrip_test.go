package mapping

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// vendorCompany is a company as the vendor's examples show it: ids as strings, an empty date as
// 0000-00-00, custom values as strings and arrays.
const vendorCompany = `{
  "uId": "12352625", "companyName": "测试公司a", "province": "北京", "city": "宣武", "supportId": "0",
  "servicestarttime": "2022-11-30", "serviceendtime": "0000-00-00", "serviceCharge": "0.00",
  "serviceaccount": "007", "servicepassword": "12345", "address": "=HYPERLINK(\"x\")",
  "userURL": "www.bangwo8.com", "serveNote": "  spaced note ",
  "multiServiceList": "N1331193N", "service_groupid": "344124,344214,344217",
  "createDT": "2022-11-16 09:18:11", "updateDT": "2022-11-30 17:41:20", "tableName": "vip,重点",
  "status": "1", "userGroup": "",
  "custom_fields": [
    {"key": "deptid", "value": "123456789098"},
    {"key": "field_1", "value": ["北京市", "二级1", "三级1"]},
    {"key": "field_2", "value": "重要"},
    {"key": "field_3", "value": "是"},
    {"key": "gjfx", "value": "4672422,4672423,4672424"},
    {"key": "expect_time", "value": "2023/1/5"},
    {"key": "products", "value": ["a", "b"]},
    {"key": "fxk", "value": "-5"}
  ]
}`

func company(t testing.TB, src string) *bangwo8.Company {
	t.Helper()
	var c bangwo8.Company
	if err := json.Unmarshal([]byte(src), &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

func loadSample(t testing.TB) *Mapping {
	t.Helper()
	m, err := Load("../samples/mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// csvCells is what a CSV file gives back for a row: the texts.
func csvCells(row []Cell) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = c.Text
	}
	return out
}

// xlsxCells is what the workbook reader gives back: a date cell is stored as a serial of
// the 1900 system and, being date-formatted, read as SerialText.
func xlsxCells(t *testing.T) func(row []Cell) []string {
	return func(row []Cell) []string {
		out := make([]string, len(row))
		epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		for i, c := range row {
			out[i] = c.Text
			if c.Kind == CellDate || c.Kind == CellDateTime {
				text, err := SerialText(fmt.Sprint(c.Time.Sub(epoch).Hours()/24), Date1900)
				if err != nil {
					t.Fatal(err)
				}
				out[i] = text
			}
		}
		return out
	}
}

func TestRoundTripUnchanged(t *testing.T) {
	c := company(t, vendorCompany)
	keys := []string{}
	for _, f := range c.CustomFields {
		keys = append(keys, f.Key)
	}
	mappings := map[string]*Mapping{"sample": loadSample(t).WithCustomColumns(keys...), "default": Default(keys)}
	for name, m := range mappings {
		for format, cells := range map[string]func([]Cell) []string{"csv": csvCells, "xlsx": xlsxCells(t)} {
			b, ps := m.Bind(m.Headers(), ReadOptions{})
			if b == nil {
				t.Fatalf("%s: bind: %v", name, ps)
			}
			row := cells(m.Row(c))
			r, ps := b.Record(2, row)
			if r == nil {
				t.Fatalf("%s %s: record of %q: %v", name, format, row, ps)
			}
			if d := r.Diff(c); len(d) != 0 {
				t.Errorf("%s %s: an unedited row changes %+v", name, format, d)
			}
			if in, ch := r.Update(c); len(ch) != 0 || !isEmptyInput(in) {
				t.Errorf("%s %s: update of an unedited row = %+v", name, format, in)
			}
			if r.UID != 12352625 {
				t.Errorf("%s %s: UID = %d", name, format, r.UID)
			}
		}
	}
}

func isEmptyInput(in bangwo8.CompanyInput) bool {
	b, _ := json.Marshal(in)
	return string(b) == "{}"
}

func TestRowCells(t *testing.T) {
	m := loadSample(t)
	row := m.Row(company(t, vendorCompany))
	got := map[string]Cell{}
	for i, h := range m.Headers() {
		got[h] = row[i]
	}
	want := map[string]Cell{
		"公司ID":   {Text: "12352625"},
		"服务开始时间": {Text: "2022-11-30", Kind: CellDate, Time: time.Date(2022, 11, 30, 0, 0, 0, 0, time.UTC)},
		"服务结束时间": {},
		"服务费余额":  {Text: "0.00", Kind: CellNumber},
		"服务账号":   {Text: "007"},
		"公司地址":   {Text: `'=HYPERLINK("x")`},
		"公司所属分组": {Text: "0"},
		"状态":     {Text: "未删除"},
		"区域":     {Text: "北京市/二级1/三级1"},
		"客户级别":   {Text: "重要"},
		"是否签约":   {Text: "是"},
		"关注方向":   {Text: "4672422,4672423,4672424"},
		"期望时间":   {Text: "2023-01-05", Kind: CellDate, Time: time.Date(2023, 1, 5, 0, 0, 0, 0, time.UTC)},
		"产品线":    {Text: "a,b"},
		"备注":     {Text: "  spaced note "},
		"创建时间":   {Text: "2022-11-16 09:18:11", Kind: CellDateTime, Time: time.Date(2022, 11, 16, 9, 18, 11, 0, time.UTC)},
	}
	for h, w := range want {
		if g := got[h]; g != w {
			t.Errorf("%s = %+v, want %+v", h, g, w)
		}
	}
	if len(row) != len(m.Columns) {
		t.Errorf("%d cells for %d columns", len(row), len(m.Columns))
	}
}

func TestRowNumberKinds(t *testing.T) {
	c := &Column{Field: "custom.n", Type: TypeInt}
	d := &Column{Field: "custom.d", Type: TypeDecimal}
	tests := []struct {
		c    *Column
		in   string
		want Cell
	}{
		{c, "-5", Cell{Text: "-5", Kind: CellNumber}},
		{c, "0012", Cell{Text: "12", Kind: CellNumber}},
		{c, "1234567890123456", Cell{Text: "1234567890123456"}}, // 16 digits: a double would round it
		{c, "abc", Cell{Text: "abc"}},
		{d, "-12.50", Cell{Text: "-12.50", Kind: CellNumber}},
		{d, "0.1234567890123456", Cell{Text: "0.1234567890123456"}},
		{d, "-x", Cell{Text: "'-x"}},
	}
	for _, tt := range tests {
		if got := tt.c.format(bangwo8.Text(tt.in)); got != tt.want {
			t.Errorf("%s %q = %+v, want %+v", tt.c.Type, tt.in, got, tt.want)
		}
	}
}

func TestRecordInput(t *testing.T) {
	m := loadSample(t)
	b, ps := m.Bind(m.Headers(), ReadOptions{})
	if b == nil {
		t.Fatal(ps)
	}
	cells := map[string]string{
		"公司ID": "", "公司名称": "  新公司 ", "服务开始时间": "2024/3/1", "服务费余额": "1,200.5",
		"服务账号": "new-acct", "公司所属分组": "", "标签": "a，b", "状态": "已删除",
		"区域": "北京市/二级1", "是否签约": "Y", "产品线": "x、y", "备注": " keep ", "服务密码": "",
		"公司地址": "'-abc",
	}
	row := make([]string, len(m.Columns))
	for i, h := range m.Headers() {
		row[i] = cells[h]
	}
	r, ps := b.Record(7, row)
	if r == nil {
		t.Fatal(ps)
	}
	got, _ := json.Marshal(r.Input)
	// Empty cells are not sent: an empty cell keeps (a create leaves the field at the
	// service's default).
	want := `{"companyName":"新公司","servicestarttime":"2024-03-01",` +
		`"serveNote":" keep ","serviceCharge":"1200.5","serviceaccount":"new-acct","address":"-abc",` +
		`"custom_fields":[{"key":"field_1","value":["北京市","二级1"]},` +
		`{"key":"field_3","value":"是"},` +
		`{"key":"products","value":["x","y"]}],"tableName":"a,b","status":2}`
	if string(got) != want {
		t.Errorf("input\n got %s\nwant %s", got, want)
	}
	if r.Key != "new-acct" || r.UID != 0 || r.Row != 7 {
		t.Errorf("key %q uid %d row %d", r.Key, r.UID, r.Row)
	}
}

func TestRecordProblems(t *testing.T) {
	m := loadSample(t)
	b, _ := m.Bind(m.Headers(), ReadOptions{HeaderRow: 3})
	row := make([]string, len(m.Columns))
	set := func(h, v string) {
		for i, x := range m.Headers() {
			if x == h {
				row[i] = v
			}
		}
	}
	set("服务账号", "bad acct")
	set("服务开始时间", "2017-02-31")
	set("状态", "删除")
	set("客户级别", "其他")
	set("服务密码", "secret")
	r, ps := b.Record(9, row)
	if r != nil {
		t.Fatal("a bad row gave a record")
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Error()+" ["+string(p.Rule)+"]")
	}
	want := []string{
		`row 9, column B (公司名称): required: the cell is empty [required]`,
		`row 9, column C (服务开始时间): "2017-02-31": 2017-02 has no day 31 [date]`,
		`row 9, column H (服务账号): "bad acct": does not match the pattern [A-Za-z0-9_.@-]+ [pattern]`,
		`row 9, column O (状态): "删除": not one of 未删除, 已删除 [enum]`,
		`row 9, column R (客户级别): "其他": "其他" is not one of 普通, 重要, 战略 [values]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRecordRedactsPasswords(t *testing.T) {
	m, err := Parse("m.yaml", []byte("version: 1\ncolumns:\n  - {header: p, field: servicepassword, max_length: 3}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Bind([]string{"p"}, ReadOptions{})
	_, ps := b.Record(2, []string{"hunter2"})
	if len(ps) != 1 || ps[0].Value != "***" || strings.Contains(ps[0].Error(), "hunter2") {
		t.Errorf("problems %+v show the password", ps)
	}
	r, _ := b.Record(3, []string{"abc"})
	d := r.Diff(company(t, `{"servicepassword": "old"}`))
	if len(d) != 1 || d[0].Old != "***" || d[0].New != "***" {
		t.Errorf("diff %+v shows the password", d)
	}
}

func TestBind(t *testing.T) {
	m, err := Parse("m.yaml", []byte(`version: 1
match: serviceaccount
columns:
  - {header: 公司名称, field: companyName, required: true}
  - {header: 服务账号, field: serviceaccount}
  - {header: 公司地址, field: address}
  - {header: 服务费余额（元）, field: serviceCharge, type: decimal}
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		header []string
		ok     bool
		want   []string // "rule severity letter"
	}{
		{"exact", []string{"公司名称", "服务账号", "公司地址", "服务费余额（元）"}, true, nil},
		{"spaces, BOM, width", []string{"\uFEFF公司名称\u3000", " 服务账号", "公司地址", "服务费余额(元)"}, true, nil},
		{"extra and empty columns", []string{"公司名称", "", "电话", "服务账号", "公司地址", "服务费余额（元）"}, true,
			[]string{"unknown_column warning C"}},
		{"optional column missing", []string{"公司名称", "服务账号"}, true,
			[]string{"missing_column warning ", "missing_column warning "}},
		{"required column missing", []string{"服务账号", "公司地址", "服务费余额（元）"}, false,
			[]string{"missing_column error "}},
		{"match column missing", []string{"公司名称", "公司地址", "服务费余额（元）"}, false,
			[]string{"missing_column error "}},
		{"duplicate header", []string{"公司名称", "服务账号", "公司地址", "服务费余额（元）", "公司名称 "}, false,
			[]string{"duplicate_header error E"}},
	}
	for _, tt := range tests {
		b, ps := m.Bind(tt.header, ReadOptions{})
		var got []string
		for _, p := range ps {
			got = append(got, fmt.Sprintf("%s %s %s", p.Rule, p.Severity, p.Letter))
		}
		if (b != nil) != tt.ok || strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: binding %v, problems %q; want %v, %q", tt.name, b != nil, got, tt.ok, tt.want)
		}
	}
	b, _ := m.Bind([]string{"公司地址", "x", "服务账号", "公司名称"}, ReadOptions{})
	r, ps := b.Record(2, []string{"addr", "ignored", "acct"}) // a short row: the name is missing
	if r != nil || len(ps) != 1 || ps[0].Letter != "D" || ps[0].Rule != RuleRequired {
		t.Errorf("short row: %v %+v", r, ps)
	}
	if !b.Blank([]string{"", "not bound", " "}) || b.Blank([]string{"", "", "x"}) {
		t.Error("Blank misjudges a row")
	}
}

func TestUpdateKeepsShapes(t *testing.T) {
	m, err := Parse("m.yaml", []byte(`version: 1
columns:
  - {header: 区域, field: custom.field_1, type: cascade}
  - {header: 多选, field: custom.multi, type: list}
  - {header: 文本, field: custom.text_list}
  - {header: 新, field: custom.fresh, type: list, as: list}
  - {header: 名称, field: companyName}
  - {header: 分组, field: userGroup}
  - {header: 状态, field: status}
`))
	if err != nil {
		t.Fatal(err)
	}
	existing := company(t, `{"companyName": "A", "userGroup": "3", "status": 1, "custom_fields": [
		{"key": "field_1", "value": "华中"}, {"key": "multi", "value": ["a", "b"]},
		{"key": "text_list", "value": ["x", "y"]}]}`)
	b, _ := m.Bind(m.Headers(), ReadOptions{})
	// Unchanged by meaning, whatever the spelling.
	r, ps := b.Record(2, []string{"华中", "a，b", "x/y", "", " A ", "3", ""})
	if r == nil {
		t.Fatal(ps)
	}
	if d := r.Diff(existing); len(d) != 0 {
		t.Errorf("unchanged row has changes %+v", d)
	}
	r, _ = b.Record(3, []string{"华中/武汉", "a,c", "x/z", "p,q", "B", "", "已删除"})
	in, changes := r.Update(existing)
	got, _ := json.Marshal(in)
	want := `{"companyName":"B","custom_fields":[{"key":"field_1","value":"华中/武汉"},{"key":"multi","value":["a","c"]},` +
		`{"key":"text_list","value":["x","z"]},{"key":"fresh","value":["p","q"]}],"status":2}`
	if string(got) != want {
		t.Errorf("update\n got %s\nwant %s", got, want)
	}
	if f := r.Changed(existing); strings.Join(f, ",") != "custom.field_1,custom.multi,custom.text_list,custom.fresh,companyName,status" {
		t.Errorf("changed = %v (changes %+v)", f, changes)
	}
}

func TestDefault(t *testing.T) {
	m := Default([]string{"field_1", "公司名称", "field_1"})
	h := m.Headers()
	if h[0] != "公司ID" || h[1] != "资源URL" || h[2] != "公司名称" || m.Match != "uId" {
		t.Errorf("default headers start %q, match %q", h[:3], m.Match)
	}
	last := m.Columns[len(m.Columns)-2:]
	if last[0].Header != "field_1" || last[1].Header != "custom.公司名称" {
		t.Errorf("custom columns = %+v %+v", last[0], last[1])
	}
	if c, _ := m.Column("createDT"); !c.ReadOnly || c.Type != TypeDateTime {
		t.Errorf("createDT column = %+v", c)
	}
	// The documented columns are the vendor's table, custom_fields left out, in its order.
	i := 0
	for _, f := range field.All() {
		if f.Kind == field.Custom {
			continue
		}
		if c := m.Columns[i]; c.Field != string(f.Key) || c.Header != f.Label || c.ReadOnly != (f.ReadOnly && f.Key != field.UID) {
			t.Errorf("default column %d = %s %q read-only %v; want the table's %+v", i, c.Field, c.Header, c.ReadOnly, f)
		}
		i++
	}
	if m2 := m.WithCustomColumns("field_1"); m2 != m {
		t.Error("WithCustomColumns copied a mapping it did not change")
	}
	m3 := m.WithCustomColumns("new")
	if len(m3.Columns) != len(m.Columns)+1 || len(m.Headers()) != len(m.Columns) {
		t.Error("WithCustomColumns changed the original")
	}
	if _, ok := m3.Column("custom.new"); !ok {
		t.Error("the new column is not indexed")
	}
	b, ps := m.Bind(h, ReadOptions{})
	if b == nil {
		t.Fatal(ps)
	}
	// Read-only columns are exported but never imported.
	r, _ := b.Record(2, make([]string, len(h)))
	for _, v := range r.Values {
		if v.Column.ReadOnly {
			t.Errorf("read-only column %s imported", v.Column.Field)
		}
	}
}

func TestDecimalEmptyIsZeroAndEmptyUIDIsNoKey(t *testing.T) {
	m, err := Parse("m.yaml", []byte(`version: 1
match: uId
columns:
  - {header: 公司ID, field: uId}
  - {header: 名称, field: companyName}
  - {header: 余额, field: serviceCharge}
`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Bind(m.Headers(), ReadOptions{})
	zero := company(t, `{"uId": 5, "companyName": "A", "serviceCharge": "0.00"}`)
	some := company(t, `{"uId": 5, "companyName": "A", "serviceCharge": "12.50"}`)
	for _, tc := range []struct {
		cell     string
		existing *bangwo8.Company
		changed  bool
	}{
		{"", zero, false},     // the service stores "" as "0.00"
		{"0", zero, false},    // same value, other spelling
		{"", some, false},     // an empty cell keeps the balance
		{"#清空", some, true},   // the clear marker clears it
		{"#清空", zero, false},  // nothing to clear
		{"12.5", some, false}, // same value
		{"1", zero, true},
	} {
		r, ps := b.Record(2, []string{"5", "A", tc.cell})
		if r == nil {
			t.Fatal(ps)
		}
		if got := len(r.Changed(tc.existing)) > 0; got != tc.changed {
			t.Errorf("cell %q against %q: changed = %v, want %v", tc.cell, tc.existing.ServiceCharge, got, tc.changed)
		}
	}
	r, ps := b.Record(3, []string{"", "新公司", ""})
	if r == nil {
		t.Fatal(ps)
	}
	if r.Key != "" || r.UID != 0 {
		t.Errorf("empty uId gave key %q, uid %d; want no key", r.Key, r.UID)
	}
	r, _ = b.Record(4, []string{"5", "A", ""})
	if r.Key != "5" || r.UID != 5 {
		t.Errorf("uId 5 gave key %q, uid %d", r.Key, r.UID)
	}
}

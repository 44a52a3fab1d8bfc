package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// The tests of this file import ordinary edits of an exported sheet, as a new user makes
// them, through the command against a sandbox, and check what the sandbox then holds: the
// right company, no blanked fields, numbers as typed, and a plan that says what happens.

const trustMappingYAML = `version: 1
match: serviceaccount
columns:
  - {header: 公司ID, field: uId}
  - {header: 公司名称, field: companyName, required: true}
  - {header: 服务账号, field: serviceaccount, required: true}
  - {header: 服务开始时间, field: servicestarttime, type: date}
  - {header: 公司网址, field: userURL, type: url}
  - {header: 公司地址, field: address, empty: clear}
  - {header: 服务费余额, field: serviceCharge, type: decimal}
  - {header: 客户级别, field: custom.field_2, values: [普通, 重要, 战略]}
  - {header: 编号, field: custom.code}
`

var trustHeader = []string{"公司ID", "公司名称", "服务账号", "服务开始时间", "公司网址", "公司地址", "服务费余额", "客户级别", "编号"}

const trustFixtures = `{"companies": [
 {"uId": 1000002, "companyName": "乙公司", "serviceaccount": "yi02", "servicestarttime": "2017-01-01", "userURL": "yi.example.com",
  "address": "北京", "serviceCharge": "1234.50", "custom_fields": [{"key": "field_2", "value": "重要"}, {"key": "code", "value": "000789"}]},
 {"uId": 1000003, "companyName": "丙公司", "serviceaccount": "bing03", "serviceCharge": "9913.81"},
 {"uId": 1000004, "companyName": "丁公司", "serviceaccount": "00123"},
 {"uId": 1000005, "companyName": "戊公司", "serviceaccount": "123456789012"}
]}`

// trustEnv is a sandbox with trustFixtures that records the body of every write.
type trustEnv struct {
	*importEnv
	mapping string
	mu      sync.Mutex
	writes  []recordedWrite
}

type recordedWrite struct {
	method, path string
	body         map[string]json.RawMessage // the company object
}

func newTrustEnv(t *testing.T, opts ...sandboxtest.Option) *trustEnv {
	t.Helper()
	e := &trustEnv{}
	opts = append([]sandboxtest.Option{sandboxtest.WithFixtures([]byte(trustFixtures)), sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append(c.Middleware, e.record)
	})}, opts...)
	e.importEnv = newImportEnv(t, opts...)
	e.mapping = e.write("trust.yaml", []byte(trustMappingYAML))
	return e
}

func (e *trustEnv) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			var env struct {
				Company map[string]json.RawMessage `json:"company"`
			}
			_ = json.Unmarshal(body, &env)
			e.mu.Lock()
			e.writes = append(e.writes, recordedWrite{r.Method, r.URL.Path, env.Company})
			e.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// csv writes rows under trustHeader.
func (e *trustEnv) csv(name string, rows ...[]string) string {
	e.t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(append([][]string{trustHeader}, rows...))
	return e.write(name, b.Bytes())
}

func (e *trustEnv) importArgs(in string, extra ...string) []string {
	return append([]string{"import", "--in", in, "--mapping", e.mapping, "--rps", "1000", "--burst", "100"}, extra...)
}

// byUID reads one company from the sandbox.
func (e *trustEnv) byUID(uid int64) bangwo8.Company {
	e.t.Helper()
	cos, _, err := e.client.ShowMany(context.Background(), []int64{uid})
	if err != nil || len(cos) != 1 {
		e.t.Fatalf("company %d: %v %v", uid, cos, err)
	}
	return cos[0]
}

func custom(c bangwo8.Company, key string) string {
	v, _ := c.Custom(key)
	return v.String()
}

func TestImportUIDWinsOverKey(t *testing.T) {
	e := newTrustEnv(t)
	// The account of 乙公司 is edited on its row, which carries its 公司ID.
	in := e.csv("in.csv", []string{"1000002", "乙公司", "yi02-new", "", "", "", "", "", ""})
	code, out, stderr := e.run(context.Background(), e.importArgs(in, "--dry-run", "-v")...)
	if code != exitOK {
		t.Fatalf("dry run: exit %d\n%s", code, stderr)
	}
	want := "第 2 行：更新 乙公司（服务账号 yi02-new，公司ID 1000002）\n    服务账号：yi02 → yi02-new\n"
	if !strings.Contains(out, want) || !strings.Contains(out, "新建 0，更新 1，") {
		t.Fatalf("plan:\n%s\nwant %q", out, want)
	}
	code, out, stderr = e.run(context.Background(), e.importArgs(in, "-v")...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if e.posts.Load() != 0 || e.puts.Load() != 1 {
		t.Errorf("%d creates, %d updates; want an update only:\n%s", e.posts.Load(), e.puts.Load(), out)
	}
	if c := e.byUID(1000002); c.ServiceAccount != "yi02-new" || c.CompanyName != "乙公司" {
		t.Errorf("company 1000002: %+v", c)
	}
	if n := len(e.companies()); n != 4 {
		t.Errorf("%d companies, want the 4 there were", n)
	}
}

func TestImportUIDKeyConflict(t *testing.T) {
	e := newTrustEnv(t)
	in := e.csv("in.csv",
		[]string{"1000002", "新名字", "bing03", "", "", "", "", "", ""},  // the account of 丙公司 on 乙公司's row
		[]string{"1000099", "无此公司", "nobody", "", "", "", "", "", ""}, // a uId no company has
	)
	report := e.path("report.csv")
	code, _, stderr := e.run(context.Background(), e.importArgs(in, "--report", report)...)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d\n%s", code, exitPartial, stderr)
	}
	if e.posts.Load()+e.puts.Load() != 0 {
		t.Errorf("%d writes", e.posts.Load()+e.puts.Load())
	}
	rows := readReportCSV(t, report)
	if rows[1][1] != "invalid" || rows[1][6] != "服务账号 bing03 属于 丙公司 (1000003)，但这一行的公司ID是 1000002 (乙公司)" {
		t.Errorf("row 2: %q", rows[1])
	}
	if rows[2][1] != "invalid" || !strings.Contains(rows[2][6], "没有公司ID为 1000099 的公司") {
		t.Errorf("row 3: %q", rows[2])
	}
	if !strings.Contains(stderr, "服务账号 bing03 属于 丙公司 (1000003)") {
		t.Errorf("stderr does not name the conflict:\n%s", stderr)
	}
	// Two rows with one uId would write one company twice.
	twice := e.csv("twice.csv",
		[]string{"1000003", "丙公司", "bing03", "", "", "", "", "", ""},
		[]string{"1000003", "丙公司", "bing03-b", "", "", "", "", "", ""},
	)
	code, _, _ = e.run(context.Background(), e.importArgs(twice, "--report", report)...)
	if rows := readReportCSV(t, report); code != exitPartial || rows[2][1] != "invalid" || rows[2][5] != "duplicate_key" ||
		!strings.Contains(rows[2][6], "uId 1000003 is also in row 2") {
		t.Errorf("exit %d, the same uId twice: %q", code, rows)
	}
	// In English with --lang en.
	code, _, _ = e.run(context.Background(), e.importArgs(in, "--report", report, "--lang", "en")...)
	if rows := readReportCSV(t, report); code != exitPartial || rows[1][6] != "服务账号 bing03 belongs to 丙公司 (1000003), but the row's uId is 1000002 (乙公司)" {
		t.Errorf("exit %d, row 2 in English: %q", code, rows[1][6])
	}
}

func TestImportKeysMangledBySpreadsheets(t *testing.T) {
	e := newTrustEnv(t)
	in := e.csv("in.csv",
		// Lost leading zeros, without a uId: no create, the row is invalid.
		[]string{"", "丁公司", "123", "", "", "", "", "", ""},
		// Scientific notation, without a uId: the same.
		[]string{"", "戊公司", "1.23457E+11", "", "", "", "", "", ""},
	)
	report := e.path("report.csv")
	code, _, stderr := e.run(context.Background(), e.importArgs(in, "--report", report)...)
	if code != exitPartial || e.posts.Load() != 0 {
		t.Fatalf("exit %d with %d creates, want %d and none\n%s", code, e.posts.Load(), exitPartial, stderr)
	}
	rows := readReportCSV(t, report)
	for i, want := range []string{
		"服务账号 123 找不到公司，但 丁公司 (1000004) 的服务账号是 00123",
		"服务账号 1.23457E+11 找不到公司，但 戊公司 (1000005) 的服务账号是 123456789012",
	} {
		if rows[i+1][1] != "invalid" || !strings.Contains(rows[i+1][6], want) || !strings.Contains(rows[i+1][6], "文本") {
			t.Errorf("row %d: %q, want %q", i+2, rows[i+1], want)
		}
	}

	// With their uIds, the rows are those companies: the mangled values are kept, with a
	// warning that names both values and the fix; the other text field too (编号 000789).
	in = e.csv("in2.csv",
		[]string{"1000004", "丁公司", "123", "", "", "", "", "", ""},
		[]string{"1000005", "戊公司", "1.23457E+11", "", "", "", "", "", ""},
		[]string{"1000002", "乙公司", "yi02", "", "", "北京", "", "", "789.0"},
	)
	code, out, stderr := e.run(context.Background(), e.importArgs(in, "-v")...)
	if code != exitOK || e.puts.Load() != 0 {
		t.Fatalf("exit %d with %d updates, want 0 and none\n%s\n%s", code, e.puts.Load(), out, stderr)
	}
	for _, want := range []string{
		"第 2 行 服务账号：保留原值 00123，不写入 123（表格程序去掉了前导零；把这一列设置成“文本”格式再填写）",
		"第 3 行 服务账号：保留原值 123456789012，不写入 1.23457E+11（表格程序把它写成了科学计数法",
		"第 4 行 编号：保留原值 000789，不写入 789.0（表格程序在后面加了 .0",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("no warning %q:\n%s", want, stderr)
		}
	}
	if c := e.byUID(1000004); c.ServiceAccount != "00123" {
		t.Errorf("account %q", c.ServiceAccount)
	}
	if c := e.byUID(1000002); custom(c, "code") != "000789" {
		t.Errorf("code %q", custom(c, "code"))
	}
}

// TestImportDoublesFromXLSX imports a workbook whose decimals are stored as binary doubles
// written out in full, as some programs save them.
func TestImportDoublesFromXLSX(t *testing.T) {
	e := newTrustEnv(t)
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	for i, h := range trustHeader {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = f.SetCellStr(sh, cell, h)
	}
	rows := []struct {
		uid, name, account string
		charge             float64
	}{
		{"1000002", "乙公司", "yi02", 1234.5},    // the company has 1234.50: no change
		{"1000003", "丙公司", "bing03", 9913.81}, // written 9913.8099999999995: no change
		{"1000004", "丁公司", "00123", 0.1},      // written 0.10000000000000001: sent as 0.1
	}
	for r, row := range rows {
		n := r + 2
		_ = f.SetCellStr(sh, "A"+itoa(n), row.uid)
		_ = f.SetCellStr(sh, "B"+itoa(n), row.name)
		_ = f.SetCellStr(sh, "C"+itoa(n), row.account)
		_ = f.SetCellFloat(sh, "G"+itoa(n), row.charge, -1, 64)
		if row.uid == "1000002" {
			_ = f.SetCellStr(sh, "F"+itoa(n), "北京") // 公司地址 has empty: clear
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// Write the doubles out in full (17 significant digits), as some programs save them.
	data := buf.Bytes()
	raw := firstSheetXML(t, data)
	for short, full := range map[string]string{"9913.81": "9913.8099999999995", "0.1": "0.10000000000000001"} {
		raw = strings.Replace(raw, "<v>"+short+"</v>", "<v>"+full+"</v>", 1)
	}
	in := e.write("doubles.xlsx", replaceZipEntry(t, data, "xl/worksheets/sheet1.xml", []byte(raw)))
	if raw := firstSheetXML(t, e.read(in)); !strings.Contains(raw, "9913.8099999999995") || !strings.Contains(raw, "0.10000000000000001") {
		t.Fatalf("the workbook does not hold the doubles in full:\n%.600s", raw)
	}
	code, out, stderr := e.run(context.Background(), e.importArgs(in, "-v")...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if e.puts.Load() != 1 || !strings.Contains(out, "服务费余额：（空） → 0.1\n") && !strings.Contains(out, "服务费余额：0.00 → 0.1\n") {
		t.Errorf("%d updates, want 1:\n%s", e.puts.Load(), out)
	}
	if c := e.byUID(1000004); c.ServiceCharge != "0.10" {
		t.Errorf("charge %q", c.ServiceCharge)
	}
	// validate agrees: every row valid.
	if code, _, stderr := e.run(context.Background(), "validate", "--in", in, "--mapping", e.mapping); code != exitOK {
		t.Errorf("validate: exit %d\n%s", code, stderr)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// firstSheetXML returns the first worksheet's XML of a workbook.
func firstSheetXML(t *testing.T, workbook []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := z.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (e *trustEnv) read(path string) []byte {
	e.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func TestImportEmptyCellsKeepClearAndMarker(t *testing.T) {
	e := newTrustEnv(t)
	// A template row with only the name, the account and the level: nothing else changes.
	// 公司地址 has empty: clear; 公司网址 gets the clear marker.
	in := e.csv("in.csv", []string{"", "乙公司", "yi02", "", "#清空", "", "", "战略", ""})
	planBook := e.path("plan.xlsx")
	code, out, stderr := e.run(context.Background(), e.importArgs(in, "--dry-run", "-v", "--report", planBook)...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := "第 2 行：更新 乙公司（服务账号 yi02，公司ID 1000002）\n" +
		"    公司网址：yi.example.com → （清空）\n    公司地址：北京 → （清空）\n    客户级别：重要 → 战略"
	if !strings.Contains(out, want+"\n") || !strings.Contains(out, "清空 2 个字段") {
		t.Fatalf("plan:\n%s\nwant %q", out, want)
	}
	if !strings.Contains(stderr, "第 2 行 公司网址：清空（原值 yi.example.com）") || !strings.Contains(stderr, "第 2 行 公司地址：清空（原值 北京）") {
		t.Errorf("the clears are not listed:\n%s", stderr)
	}
	// The dry run's report workbook has the same in its 【问题说明】 column.
	_, sheets := readXLSX(t, planBook)
	var found bool
	for _, rows := range sheets {
		for _, r := range rows {
			found = found || slices.Contains(r, want)
		}
	}
	if !found {
		t.Errorf("the report workbook lacks the plan %q:\n%v", want, sheets)
	}
	if code, _, stderr := e.run(context.Background(), e.importArgs(in)...); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	c := e.byUID(1000002)
	if c.ServiceStartTime != "2017-01-01" || c.ServiceCharge != "1234.50" || custom(c, "code") != "000789" {
		t.Errorf("kept fields blanked: %+v", c)
	}
	if c.UserURL != "" || c.Address != "" || custom(c, "field_2") != "战略" {
		t.Errorf("url %q address %q level %q", c.UserURL, c.Address, custom(c, "field_2"))
	}
}

// TestImportDryRunPlanIsWhatTheSandboxGets runs a plan in English, then the import, and
// finds in the requests the sandbox received exactly the plan's creates and updates, with
// its new values.
func TestImportDryRunPlanIsWhatTheSandboxGets(t *testing.T) {
	e := newTrustEnv(t)
	in := e.csv("in.csv",
		[]string{"1000002", "乙公司", "yi02", "2018/3/4", "", "", "99.9", "普通", ""},
		[]string{"1000003", "丙公司", "bing03", "", "", "", "", "", ""},
		[]string{"", "新公司", "xin06", "2020年1月2日", "xin.example.com", "上海", "", "", "0042"},
		[]string{"1000005", "戊公司改名", "x-05", "", "", "", "", "", ""},
	)
	code, plan, stderr := e.run(context.Background(), e.importArgs(in, "--dry-run", "-v", "--lang", "en")...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(plan, "plan (upsert): 1 to create, 2 to update, 1 unchanged, 0 invalid, 0 skipped; fields to clear: 1. 3 writes and 7 lookups take about under a second at --rps 1000\n") {
		t.Errorf("plan summary:\n%s", plan)
	}
	if code, _, stderr := e.run(context.Background(), e.importArgs(in)...); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}

	m, err := mapping.Parse("trust.yaml", []byte(trustMappingYAML))
	if err != nil {
		t.Fatal(err)
	}
	header := func(key string) string {
		if c, ok := m.Column(key); ok {
			return c.Header
		}
		if c, ok := m.Column(mapping.CustomPrefix + key); ok {
			return c.Header
		}
		return key
	}
	// What the plan says, row by row: "row N: ACTION ..." then "    HEADER: [OLD → ]NEW".
	planned := map[string][]string{} // "update 1000002" or "create" -> "header=new"
	var current string
	head := regexp.MustCompile(`^row \d+: (update|create|unchanged) .*?(?:uId (\d+))?\)$`)
	for line := range strings.Lines(plan) {
		line = strings.TrimRight(line, "\n")
		if m := head.FindStringSubmatch(line); m != nil {
			current = strings.TrimSpace(m[1] + " " + m[2])
			if m[1] != "unchanged" {
				planned[current] = []string{}
			}
			continue
		}
		if h, v, ok := strings.Cut(strings.TrimPrefix(line, "    "), ": "); ok && strings.HasPrefix(line, "    ") {
			if _, nv, isUpdate := strings.Cut(v, " → "); isUpdate {
				v = strings.TrimPrefix(nv, "(cleared)") // a clear sends ""
			}
			planned[current] = append(planned[current], h+"="+v)
		}
	}
	received := map[string][]string{}
	e.mu.Lock()
	for _, w := range e.writes {
		k := "create"
		if w.method == http.MethodPut {
			k = "update " + strings.TrimSuffix(filepath.Base(w.path), ".json")
		}
		var got []string
		for key, raw := range w.body {
			if key == "custom_fields" {
				var cfs []bangwo8.CustomField
				_ = json.Unmarshal(raw, &cfs)
				for _, cf := range cfs {
					got = append(got, header(cf.Key)+"="+cf.Value.String())
				}
				continue
			}
			got = append(got, header(key)+"="+strings.TrimSpace(strings.Trim(string(raw), `"`)))
		}
		received[k] = got
	}
	e.mu.Unlock()
	for k := range planned {
		slices.Sort(planned[k])
		slices.Sort(received[k])
		// The plan shows dates and numbers as the sheet means them, the request as sent.
		if strings.Join(planned[k], "; ") != strings.Join(received[k], "; ") {
			t.Errorf("%s:\n planned  %v\n received %v", k, planned[k], received[k])
		}
	}
	if len(planned) != len(received) || len(planned) != 3 {
		t.Errorf("planned %v\nreceived %v", planned, received)
	}
}

func TestImportAssetsForNewRows(t *testing.T) {
	e := newTrustEnv(t)
	m := e.write("assets.yaml", []byte(`version: 1
match: serviceaccount
columns:
  - {header: 公司ID, field: uId}
  - {header: 公司名称, field: companyName, required: true}
  - {header: 服务账号, field: serviceaccount, required: true}
  - {header: 设备型号, field: custom.asset_model}
extension:
  tableName: devices
  cPara: model:asset_model
  filter: "ownerType:company,owner:{{company.companyId}}"
  pick: first
`))
	assets := e.write("assets.csv", []byte("_id,ownerType,owner,model\n1,company,1000003,丙的设备\n2,company,1000002,乙的设备\n"))
	in := e.write("in.csv", []byte("公司ID,公司名称,服务账号,设备型号\n,新公司,xin06,\n1000002,乙公司,yi02,\n"))
	code, out, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", m, "--assets", assets, "-v")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(out, "    资产：无：新公司还没有公司ID，没有属于它的资产\n") || !strings.Contains(out, "    设备型号：（空） → 乙的设备\n") {
		t.Errorf("plan:\n%s", out)
	}
	cos := e.companies()
	if got := cos["xin06"]; len(got) != 1 || custom(got[0], "asset_model") != "" {
		t.Errorf("the new company: %+v", got)
	}
	if c := e.byUID(1000002); custom(c, "asset_model") != "乙的设备" {
		t.Errorf("乙公司's asset: %q", custom(c, "asset_model"))
	}
}

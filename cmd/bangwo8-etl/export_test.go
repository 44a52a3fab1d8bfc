package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout/dimtest"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// exportFixtures are companies of every shape: custom fields of each kind, a formula-looking
// note, an account with leading zeros, a deleted company, and a custom key (late_key) that
// only the last company has.
const exportFixtures = `{"companies": [
 {"uId": 1, "companyName": "北京金万维科技有限公司", "serviceaccount": "00123", "serveNote": "=1+1",
  "address": "-abc", "servicestarttime": "0000-00-00", "serviceendtime": "2017-12-31", "userGroup": 221,
  "createDT": "2021-03-01 10:00:00", "updateDT": "2021-06-01 12:00:00",
  "custom_fields": [{"key": "field_1", "value": ["北京市", "二级1", "三级1"]}, {"key": "field_2", "value": "4672422,4672423"},
   {"key": "field_10", "value": ["选项A", "选项B"]}, {"key": "fxk", "value": "是"}, {"key": "expect_time", "value": "@SUM(A1)"}]},
 {"uId": 2, "companyName": "上海已删除公司", "status": 2, "createDT": "2021-04-01 00:00:00", "updateDT": "2021-07-01 00:00:00"},
 {"uId": 3, "companyName": "广州华信网络有限公司", "serviceaccount": "12345678901234567890", "address": "'+86 571",
  "createDT": "2022-01-15 08:00:00", "updateDT": "2022-02-01 09:00:00",
  "custom_fields": [{"key": "field_2", "value": "下拉菜单的某一项"}, {"key": "fxk", "value": "否"}]},
 {"uId": 4, "companyName": "深圳后来公司", "createDT": "2023-05-05 05:05:05", "updateDT": "2023-05-06 00:00:00",
  "custom_fields": [{"key": "late_key", "value": "迟到的值"}]}
]}`

// exportEnv runs the command in-process against srv.
type exportEnv struct {
	t   *testing.T
	srv *sandboxtest.Server
	dir string
}

func newExportEnv(t *testing.T, opts ...sandboxtest.Option) *exportEnv {
	t.Helper()
	return &exportEnv{t: t, srv: sandboxtest.NewServer(t, opts...), dir: t.TempDir()}
}

func (e *exportEnv) getenv(k string) string {
	return map[string]string{
		"BANGWO8_BASE_URL": e.srv.URL,
		"BANGWO8_ACCOUNT":  e.srv.Account,
		"BANGWO8_PASSWORD": e.srv.Password,
	}[k]
}

func (e *exportEnv) path(name string) string { return filepath.Join(e.dir, name) }

// run runs bangwo8-etl with args and returns the exit code and stderr.
func (e *exportEnv) run(ctx context.Context, args ...string) (int, string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	code := runTest(ctx, args, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb}, e.getenv)
	return code, errb.String()
}

// export runs an export that must succeed and returns stderr.
func (e *exportEnv) export(args ...string) string {
	e.t.Helper()
	code, stderr := e.run(context.Background(), append([]string{"export", "--no-progress"}, args...)...)
	if code != exitOK {
		e.t.Fatalf("export %v: exit %d\n%s", args, code, stderr)
	}
	return stderr
}

// readXLSX returns every sheet's rows, read back with the row iterator.
func readXLSX(t *testing.T, path string) (sheets []string, rows map[string][][]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	rows = map[string][][]string{}
	for _, name := range f.GetSheetList() {
		it, err := f.Rows(name)
		if err != nil {
			t.Fatal(err)
		}
		for it.Next() {
			r, err := it.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			rows[name] = append(rows[name], r)
		}
		it.Close()
		sheets = append(sheets, name)
	}
	return sheets, rows
}

// readCSV reads a UTF-8 CSV file, checking that it starts with a BOM when bom is set.
func readCSV(t *testing.T, path string, bom bool) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	has := bytes.HasPrefix(b, []byte("\xEF\xBB\xBF"))
	if has != bom {
		t.Fatalf("%s: BOM present %v, want %v", path, has, bom)
	}
	return parseCSV(t, bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))
}

func parseCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	return recs
}

// table indexes rows by header and by uId (公司ID).
type table struct {
	header []string
	byID   map[string][]string
	ids    []string
}

func newTable(t *testing.T, rows [][]string) table {
	t.Helper()
	if len(rows) == 0 {
		t.Fatal("no header row")
	}
	tb := table{header: rows[0], byID: map[string][]string{}}
	for _, r := range rows[1:] {
		id := r[0]
		if _, dup := tb.byID[id]; dup {
			t.Errorf("company %s appears twice", id)
		}
		tb.byID[id] = r
		tb.ids = append(tb.ids, id)
	}
	return tb
}

func (tb table) cell(id, header string) string {
	i := slices.Index(tb.header, header)
	r := tb.byID[id]
	if i < 0 || i >= len(r) {
		return ""
	}
	return r[i]
}

func TestExportXLSXDefaultColumns(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(exportFixtures)))
	out := e.path("c.xlsx")
	e.export("--out", out)

	sheets, rows := readXLSX(t, out)
	if !slices.Equal(sheets, []string{"公司"}) {
		t.Fatalf("sheets %v", sheets)
	}
	if d := dimtest.Check(t, out)[0].Dimension; d != "A1:Y4" {
		t.Errorf("dimension %s, want A1:Y4 (25 columns, the header and 3 companies)", d)
	}
	tb := newTable(t, rows["公司"])
	wantHead := []string{"公司ID", "资源URL", "公司名称", "负责客服ID", "服务开始时间", "服务结束时间", "公司网址", "备注",
		"服务费余额", "服务账号", "公司地址", "创建时间", "更新时间", "公司所属分组", "标签", "省份/城市", // no 服务密码
		"城市/区", "状态", "受理客服组",
		// custom keys sorted by name, numbers numerically; late_key only on the last company
		"expect_time", "field_1", "field_2", "field_10", "fxk", "late_key"}
	if !slices.Equal(tb.header, wantHead) {
		t.Fatalf("header\n got %q\nwant %q", tb.header, wantHead)
	}
	if !slices.Equal(tb.ids, []string{"1", "3", "4"}) {
		t.Fatalf("ids %v, want 1 3 4 (2 is deleted)", tb.ids)
	}
	for _, c := range []struct{ id, header, want string }{
		{"1", "公司名称", "北京金万维科技有限公司"},
		{"1", "服务账号", "00123"},
		{"1", "备注", "=1+1"}, // as it is: an xlsx string cell is never a formula
		{"1", "公司地址", "-abc"},
		{"1", "服务开始时间", ""},
		{"1", "field_1", "北京市/二级1/三级1"},
		{"1", "field_2", "4672422,4672423"},
		{"1", "field_10", "选项A/选项B"},
		{"1", "fxk", "是"},
		{"1", "expect_time", "@SUM(A1)"},
		{"3", "公司地址", "''+86 571"}, // an apostrophe of its own keeps the guard: import takes one off
		{"3", "服务账号", "12345678901234567890"},
		{"3", "fxk", "否"},
		{"4", "late_key", "迟到的值"},
		{"4", "状态", "未删除"},
	} {
		if got := tb.cell(c.id, c.header); got != c.want {
			t.Errorf("company %s %s = %q, want %q", c.id, c.header, got, c.want)
		}
	}

	// Ids and accounts are text cells with the text format; dates are dates.
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checkText := func(ref string) {
		t.Helper()
		typ, err := f.GetCellType("公司", ref)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("cell %s has type %v, want a string", ref, typ)
		}
		sid, _ := f.GetCellStyle("公司", ref)
		st, err := f.GetStyle(sid)
		if err != nil {
			t.Fatal(err)
		}
		if st.NumFmt != 49 {
			t.Errorf("cell %s number format %d, want 49 (@)", ref, st.NumFmt)
		}
	}
	checkText("A2") // uId
	checkText("J2") // serviceaccount 00123
	checkText("J3") // 20 digits
	typ, _ := f.GetCellType("公司", "F2")
	v, _ := f.GetCellValue("公司", "F2")
	if typ == excelize.CellTypeInlineString || v != "2017-12-31" {
		t.Errorf("服务结束时间 F2: type %v value %q, want a date shown 2017-12-31", typ, v)
	}
	panes, err := f.GetPanes("公司")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	w, _ := f.GetColWidth("公司", "C")
	if w < 20 {
		t.Errorf("公司名称 column width %v: too narrow for the names", w)
	}
	hs, _ := f.GetCellStyle("公司", "A1")
	if st, _ := f.GetStyle(hs); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header not bold")
	}
	// The autofilter is a defined name over the whole table.
	found := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && strings.Contains(dn.RefersTo, "$A$1:$Y$4") {
			found = true
		}
	}
	if !found {
		t.Errorf("no autofilter over A1:Y4: %+v", f.GetDefinedName())
	}
}

func TestExportCSVEncodings(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(exportFixtures)))

	bom := e.path("bom.csv")
	e.export("--out", bom)
	tb := newTable(t, readCSV(t, bom, true))
	if tb.header[2] != "公司名称" || tb.cell("1", "服务账号") != "00123" || tb.cell("1", "备注") != "'=1+1" ||
		tb.cell("1", "服务开始时间") != "" || tb.cell("1", "服务结束时间") != "2017-12-31" || tb.cell("4", "late_key") != "迟到的值" {
		t.Errorf("csv content: %q", tb.byID)
	}

	plain := e.path("plain.csv")
	e.export("--out", plain, "--encoding", "utf8")
	if got := newTable(t, readCSV(t, plain, false)); !slices.Equal(got.ids, tb.ids) {
		t.Errorf("utf8 ids %v, want %v", got.ids, tb.ids)
	}

	gbk := e.path("gbk.csv")
	e.export("--out", gbk, "--encoding", "gbk")
	raw, _ := os.ReadFile(gbk)
	dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := newTable(t, parseCSV(t, dec))
	if got.header[2] != "公司名称" || got.cell("1", "公司名称") != "北京金万维科技有限公司" {
		t.Errorf("gbk decoded: %q %q", got.header, got.byID["1"])
	}
	if bytes.Contains(raw, []byte("公司")) {
		t.Error("gbk file holds UTF-8 text")
	}
}

func TestExportGBKRefusesWhatItCannotEncode(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(`{"companies": [{"uId": 1, "companyName": "笑脸😀公司"}]}`)))
	out := e.path("gbk.csv")
	code, stderr := e.run(context.Background(), "export", "--out", out, "--encoding", "gbk")
	if code != exitFailed || !strings.Contains(stderr, "GBK") || !strings.Contains(stderr, "column C") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	assertNoFiles(t, e.dir)
}

// assertNoFiles checks that dir holds nothing: no output, no temporary file, no spool.
func assertNoFiles(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, ent := range ents {
		t.Errorf("left behind: %s", ent.Name())
	}
}

func TestExportFilters(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(exportFixtures)))
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"all", nil, []string{"1", "3", "4"}},
		{"deleted in", []string{"--include-deleted"}, []string{"1", "2", "3", "4"}},
		{"created start", []string{"--created-start", "2022-01-15"}, []string{"3", "4"}},
		{"created end", []string{"--created-end", "2022-01-15", "--include-deleted"}, []string{"1", "2", "3"}},
		{"updated start", []string{"--updated-start", "2022-02-01"}, []string{"3", "4"}},
		{"updated end", []string{"--updated-end", "2022-02-01"}, []string{"1", "3"}},
		{"updated range", []string{"--updated-start", "2021-06-02", "--updated-end", "2022-12-31", "--include-deleted"}, []string{"2", "3"}},
		{"query", []string{"--query", "公司"}, []string{"1", "3", "4"}},
		{"query deleted", []string{"--query", "公司", "--include-deleted"}, []string{"1", "2", "3", "4"}},
		{"query custom", []string{"--query", "field_2:4672423"}, []string{"1"}},
		{"query and dates", []string{"--query", "公司", "--created-start", "2022-01-01", "--created-end", "2022-12-31"}, []string{"3"}},
		{"ids", []string{"--ids", "4,1,4"}, []string{"4", "1"}},
		{"ids deleted dropped", []string{"--ids", "2,3"}, []string{"3"}},
		{"ids deleted in", []string{"--ids", "2,3", "--include-deleted"}, []string{"2", "3"}},
		{"ids and dates", []string{"--ids", "1,3,4", "--created-start", "2022-01-01"}, []string{"3", "4"}},
		{"small pages", []string{"--per-page", "1", "--concurrency", "3"}, []string{"1", "3", "4"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, ext := range []string{"csv", "xlsx"} {
				out := e.path(strings.ReplaceAll(c.name, " ", "_") + "." + ext)
				e.export(append([]string{"--out", out}, c.args...)...)
				var rows [][]string
				if ext == "csv" {
					rows = readCSV(t, out, true)
				} else {
					_, sheets := readXLSX(t, out)
					rows = sheets["公司"]
				}
				if got := newTable(t, rows).ids; !slices.Equal(got, c.want) {
					t.Errorf("%s: ids %v, want %v", ext, got, c.want)
				}
			}
		})
	}
}

// TestExportIDsNotFound: ids that are not found are listed, every one, and the export ends
// with exit 3; the file holds the companies that were found (none at all: just the header).
func TestExportIDsNotFound(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(exportFixtures)))
	for _, tc := range []struct {
		ids, missing, says string
		found              []string
	}{
		{"1,999,998,4", "ids=\"[999 998]\"", "2 of the 4 ids asked for were not found", []string{"1", "4"}},
		{"997,996", "ids=\"[997 996]\"", "none of the 2 ids asked for was found", nil},
	} {
		out := e.path("ids.csv")
		code, stderr := e.run(context.Background(), "export", "--no-progress", "--lang", "en", "--out", out, "--ids", tc.ids)
		if code != exitPartial || !strings.Contains(stderr, "companies not found") || !strings.Contains(stderr, tc.missing) || !strings.Contains(stderr, tc.says) {
			t.Errorf("--ids %s: exit %d, want 3 and the missing ids listed:\n%s", tc.ids, code, stderr)
		}
		if got := newTable(t, readCSV(t, out, true)).ids; !slices.Equal(got, tc.found) {
			t.Errorf("--ids %s: the file holds %v, want %v", tc.ids, got, tc.found)
		}
	}
	// Chinese by default.
	if code, stderr := e.run(context.Background(), "export", "--no-progress", "--out", e.path("zh.csv"), "--ids", "1,999"); code != exitPartial ||
		!strings.Contains(stderr, "要导出的 2 个公司ID中有 1 个不存在") {
		t.Errorf("zh: exit %d\n%s", code, stderr)
	}
	// In a JSON log the ids are numbers.
	code, stderr := e.run(context.Background(), "export", "--no-progress", "--out", e.path("j.csv"), "--ids", "1,999", "--log-format", "json")
	if code != exitPartial || !strings.Contains(stderr, `"count":1,"ids":[999]`) {
		t.Errorf("json: exit %d\n%s", code, stderr)
	}
}

func TestExportWithMapping(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(exportFixtures)))
	m := e.path("m.yaml")
	os.WriteFile(m, []byte(`version: 1
match: uId
sheet: 客户
columns:
  - header: 编号
    field: uId
  - header: 名称
    field: companyName
  - header: 区域
    field: custom.field_1
    type: cascade
  - header: 多选
    field: custom.field_10
    type: list
  - header: 复选
    field: custom.fxk
    type: checkbox
`), 0o644)
	out := e.path("m.xlsx")
	stderr := e.export("--out", out, "--mapping", m)
	sheets, rows := readXLSX(t, out)
	if !slices.Equal(sheets, []string{"客户"}) {
		t.Fatalf("sheets %v", sheets)
	}
	tb := newTable(t, rows["客户"])
	if !slices.Equal(tb.header, []string{"编号", "名称", "区域", "多选", "复选"}) {
		t.Errorf("header %q", tb.header)
	}
	if tb.cell("1", "区域") != "北京市/二级1/三级1" || tb.cell("1", "多选") != "选项A,选项B" || tb.cell("3", "复选") != "否" {
		t.Errorf("row 1 %q row 3 %q", tb.byID["1"], tb.byID["3"])
	}
	for _, key := range []string{"field_2", "expect_time", "late_key"} {
		if !strings.Contains(stderr, "key="+key) {
			t.Errorf("no warning for unmapped key %s:\n%s", key, stderr)
		}
	}
}

func TestExportSummaryJSON(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(exportFixtures)))
	out := e.path("s.xlsx")
	stderr := e.export("--out", out, "--log-format", "json")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	var sum map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatalf("last line not JSON: %v\n%s", err, stderr)
	}
	if sum["msg"] != "export done" || sum["companies"] != 3.0 || sum["sheets"] != 1.0 || sum["file"] != out || sum["seconds"] == nil {
		t.Errorf("summary %v", sum)
	}
	for _, k := range []string{"seconds", "calls", "calls_per_second", "answers_429", "rate_final"} {
		if _, ok := sum[k].(float64); !ok {
			t.Errorf("%s is %T %v in the JSON summary, want a number", k, sum[k], sum[k])
		}
	}
	if strings.Contains(stderr, e.srv.Password) {
		t.Error("password in the log")
	}
}

func TestExportUsageErrors(t *testing.T) {
	e := newExportEnv(t)
	for _, args := range [][]string{
		{"--out", e.path("x.txt")},
		{"--out", e.path("x.xlsx"), "--created-start", "2021-13-01"},
		{"--out", e.path("x.xlsx"), "--updated-end", "21-1-1"},
		{"--out", e.path("x.xlsx"), "--created-start", "2022-01-02", "--created-end", "2022-01-01"},
		{"--out", e.path("x.csv"), "--encoding", "latin1"},
		{"--out", e.path("x.xlsx"), "--encoding", "gbk"}, // an xlsx has no encoding
		{"--out", e.path("x.csv"), "--ids", "1", "--per-page", "10"},
		{"--out", e.path("x.xlsx"), "--query", "a", "--ids", "1"},
		{"--out", e.path("x.xlsx"), "--ids", "1,x"},
		{"--out", e.path("x.xlsx"), "--ids", "-3"},
		{"--out", e.path("x.xlsx"), "--per-page", "6000"},
		{"--out", e.path("x.xlsx"), "--mapping", e.path("missing.yaml")},
		{},
	} {
		code, stderr := e.run(context.Background(), append([]string{"export"}, args...)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr)
		}
	}
	assertNoFiles(t, e.dir)
}

func TestExportInterruptedLeavesNothing(t *testing.T) {
	// Every call takes 30ms; the context ends while pages are still coming.
	e := newExportEnv(t, sandboxtest.WithSeed(300, 1), sandboxtest.WithConfig(func(c *sandbox.Config) { c.Latency = 30 * time.Millisecond }))
	for _, name := range []string{"i.xlsx", "i.csv"} {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		code, stderr := e.run(ctx, "export", "--out", e.path(name), "--per-page", "10", "--no-progress")
		cancel()
		if code != exitFailed || !strings.Contains(stderr, "context deadline exceeded") {
			t.Errorf("%s: exit %d, want 1 for the deadline\n%s", name, code, stderr)
		}
	}
	assertNoFiles(t, e.dir)
}

func TestExportMultiSheet(t *testing.T) {
	// The sheet row limit is an exporter option; the command always uses Excel's. Through the
	// command, check that a large export fits one sheet; the split is tested in exporter.
	e := newExportEnv(t, sandboxtest.WithSeed(120, 7))
	out := e.path("one.xlsx")
	e.export("--out", out, "--per-page", "50")
	sheets, rows := readXLSX(t, out)
	n, _ := e.srv.Store.Count(context.Background(), false)
	if len(sheets) != 1 || len(rows[sheets[0]]) != n+1 {
		t.Errorf("sheets %v, rows %d, want 1 sheet of %d", sheets, len(rows[sheets[0]]), n+1)
	}
}

func TestExportIncremental(t *testing.T) {
	// The sandbox clock moves one second per reading, so every write gets its own updateDT
	// second, as writes spread over a day would.
	clock := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)
	tick := func() time.Time { clock = clock.Add(time.Second); return clock }
	var mu = make(chan struct{}, 1)
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(exportFixtures)), sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Now = func() time.Time { mu <- struct{}{}; defer func() { <-mu }(); return tick() }
	}))
	ctx := context.Background()
	client, err := bangwo8.NewClient(e.srv.URL, bangwo8.WithBasicAuth(e.srv.Account, e.srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	state := e.path("state.json")
	exportIDs := func(name string, extra ...string) []string {
		t.Helper()
		out := e.path(name)
		e.export(append([]string{"--out", out, "--state", state}, extra...)...)
		return newTable(t, readCSV(t, out, true)).ids
	}

	if got := exportIDs("r1.csv"); !slices.Equal(got, []string{"1", "3", "4"}) {
		t.Fatalf("first run %v", got)
	}
	if got := exportIDs("r2.csv"); len(got) != 0 {
		t.Fatalf("nothing changed, yet the second run wrote %v", got)
	}
	// Between runs: an update, a create, a delete.
	if _, _, err := client.UpdateCompany(ctx, 3, bangwo8.CompanyInput{Address: bangwo8.Ptr("新地址")}); err != nil {
		t.Fatal(err)
	}
	created, _, err := client.CreateCompany(ctx, bangwo8.CompanyInput{CompanyName: bangwo8.Ptr("新公司")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.UpdateCompany(ctx, 1, bangwo8.CompanyInput{Status: bangwo8.Ptr(bangwo8.StatusDeleted)}); err != nil {
		t.Fatal(err)
	}
	newID := strconv.FormatInt(created.UID, 10)
	if got := exportIDs("r3.csv"); !slices.Equal(got, []string{"3", newID}) {
		t.Fatalf("third run %v, want 3 and %s", got, newID)
	}
	// With deleted ones asked for, the deletion shows (same state: 1's update is new to it).
	if got := exportIDs("r4.csv", "--include-deleted"); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("fourth run %v, want the deleted 1", got)
	}
	// A second update of the same company on the same day is exported again.
	if _, _, err := client.UpdateCompany(ctx, 3, bangwo8.CompanyInput{Address: bangwo8.Ptr("又一个地址")}); err != nil {
		t.Fatal(err)
	}
	r5 := e.path("r5.csv")
	e.export("--out", r5, "--state", state)
	if tb := newTable(t, readCSV(t, r5, true)); !slices.Equal(tb.ids, []string{"3"}) || tb.cell("3", "公司地址") != "又一个地址" {
		t.Fatalf("fifth run %v", tb.byID)
	}
	var st struct {
		Newest string `json:"newest_update"`
	}
	b, _ := os.ReadFile(state)
	json.Unmarshal(b, &st)
	if !strings.HasPrefix(st.Newest, "2024-03-01 ") {
		t.Errorf("state newest %q", st.Newest)
	}

	// A failed run leaves the state as it was (stopped at once; another server's is refused).
	before, _ := os.ReadFile(state)
	stopped, stop := context.WithCancel(ctx)
	stop()
	code, _ := e.run(stopped, "export", "--out", e.path("bad.csv"), "--state", state, "--encoding", "gbk", "--rps", "1000")
	after, _ := os.ReadFile(state)
	if code != exitFailed || !bytes.Equal(before, after) {
		t.Errorf("failed run: exit %d, state changed %v", code, !bytes.Equal(before, after))
	}
	code, _ = e.run(ctx, "export", "--out", e.path("bad.csv"), "--state", state, "--base-url", "http://127.0.0.1:1", "--rps", "1000")
	after, _ = os.ReadFile(state)
	if code != exitUsage || !bytes.Equal(before, after) {
		t.Errorf("another server: exit %d, state changed %v", code, !bytes.Equal(before, after))
	}
}

// TestExportBinary builds the real binary and runs an export with it against a sandbox.
func TestExportBinary(t *testing.T) {
	// The build works while other tests wait.
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bangwo8-etl")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := sandboxtest.NewServer(t, sandboxtest.WithFixtures([]byte(exportFixtures)))
	out := filepath.Join(dir, "b.xlsx")
	cmd := exec.Command(bin, "export", "--out", out, "--base-url", srv.URL, "--account", srv.Account, "--concurrency", "2")
	cmd.Env = append(os.Environ(), "BANGWO8_PASSWORD="+srv.Password)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	_, rows := readXLSX(t, out)
	if got := newTable(t, rows["公司"]).ids; !slices.Equal(got, []string{"1", "3", "4"}) {
		t.Errorf("ids %v", got)
	}
	if !strings.Contains(stderr.String(), "export done") || !strings.Contains(stderr.String(), "companies=3") {
		t.Errorf("summary: %s", stderr.String())
	}
	// A usage error exits 2.
	bad := exec.Command(bin, "export", "--out", filepath.Join(dir, "x.pdf"))
	if err := bad.Run(); err == nil || bad.ProcessState.ExitCode() != exitUsage {
		t.Errorf("bad extension: %v", err)
	}
}

// TestExportImportRoundTripFormulaText exports text that looks like a formula, and text that
// starts with an apostrophe of its own, to xlsx and csv, and imports each file back: every
// company is found unchanged.
func TestExportImportRoundTripFormulaText(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(`{"companies": [
 {"uId": 1, "companyName": "=1+1 公式公司", "serviceaccount": "a1", "serveNote": "+86 571 8888", "address": "-abc"},
 {"uId": 2, "companyName": "@引号公司", "serviceaccount": "a2", "serveNote": "'=1+1", "address": "'quoted"},
 {"uId": 3, "companyName": "普通公司", "serviceaccount": "a3", "serveNote": "it's", "address": "''+1"}
]}`)))
	samples := filepath.Join("..", "..", "samples", "mapping.yaml")
	for _, name := range []string{"rt.xlsx", "rt.csv"} {
		out := e.path(name)
		e.export("--out", out, "--mapping", samples)
		var stdout, stderr bytes.Buffer
		code := runTest(context.Background(), []string{"import", "--in", out, "--mapping", samples, "--dry-run", "--no-progress"},
			&IOStreams{In: strings.NewReader(""), Out: &stdout, Err: &stderr}, e.getenv)
		if code != exitOK || !strings.Contains(stderr.String(), "created=0 updated=0 unchanged=3") {
			t.Errorf("%s imported back: exit %d\n%s%s", name, code, stdout.String(), stderr.String())
		}
	}
	_, rows := readXLSX(t, e.path("rt.xlsx"))
	if tb := newTable(t, rows["公司"]); tb.cell("1", "公司名称") != "=1+1 公式公司" || tb.cell("1", "备注") != "+86 571 8888" {
		t.Errorf("xlsx holds %q", tb.byID["1"])
	}
}

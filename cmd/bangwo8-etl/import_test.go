package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// importMappingYAML matches by serviceaccount; the password column has a length rule so that
// a test can check that its value never shows.
const importMappingYAML = `version: 1
match: serviceaccount
columns:
  - header: 公司名称
    field: companyName
    required: true
  - header: 服务账号
    field: serviceaccount
    required: true
  - header: 服务开始时间
    field: servicestarttime
    type: date
  - header: 服务费余额
    field: serviceCharge
    type: decimal
  - header: 服务密码
    field: servicepassword
    max_length: 8
    empty: keep
`

var importHeader = []string{"公司名称", "服务账号", "服务开始时间", "服务费余额", "服务密码"}

const importFixtures = `{"companies": [
 {"uId": 501, "companyName": "甲公司", "serviceaccount": "acc-1", "servicestarttime": "2017-01-01", "serviceCharge": "10.00"},
 {"uId": 502, "companyName": "乙公司", "serviceaccount": "acc-2"}
]}`

// importEnv runs validate and import in-process against a sandbox that counts writes.
type importEnv struct {
	t          *testing.T
	srv        *sandboxtest.Server
	dir        string
	posts      atomic.Int64
	puts       atomic.Int64
	client     *bangwo8.Client
	mappingPth string
}

func newImportEnv(t *testing.T, opts ...sandboxtest.Option) *importEnv {
	t.Helper()
	e := &importEnv{t: t, dir: t.TempDir()}
	opts = append(opts, sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append([]func(http.Handler) http.Handler{e.count}, c.Middleware...)
	}))
	e.srv = sandboxtest.NewServer(t, opts...)
	var err error
	e.client, err = bangwo8.NewClient(e.srv.URL, bangwo8.WithBasicAuth(e.srv.Account, e.srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	e.mappingPth = e.write("mapping.yaml", []byte(importMappingYAML))
	return e
}

func (e *importEnv) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			e.posts.Add(1)
		case http.MethodPut:
			e.puts.Add(1)
		}
		next.ServeHTTP(w, r)
	})
}

func (e *importEnv) getenv(k string) string {
	return map[string]string{
		"BANGWO8_BASE_URL": e.srv.URL,
		"BANGWO8_ACCOUNT":  e.srv.Account,
		"BANGWO8_PASSWORD": e.srv.Password,
	}[k]
}

func (e *importEnv) path(name string) string { return filepath.Join(e.dir, name) }

func (e *importEnv) write(name string, data []byte) string {
	e.t.Helper()
	p := e.path(name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// run runs bangwo8-etl in-process and returns the exit code, stdout and stderr.
func (e *importEnv) run(ctx context.Context, args ...string) (int, string, string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	code := runTest(ctx, append(args, "--no-progress"), &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb}, e.getenv)
	return code, out.String(), errb.String()
}

// csvFile writes rows (header first) as a CSV file in enc: utf8, utf8-bom or gbk.
func (e *importEnv) csvFile(name, enc string, rows ...[]string) string {
	e.t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(append([][]string{importHeader}, rows...))
	data := b.Bytes()
	switch enc {
	case "utf8-bom":
		data = append([]byte("\uFEFF"), data...)
	case "gbk":
		var err error
		if data, err = simplifiedchinese.GBK.NewEncoder().Bytes(data); err != nil {
			e.t.Fatal(err)
		}
	}
	return e.write(name, data)
}

// companies returns the sandbox's companies by service account.
func (e *importEnv) companies() map[string][]bangwo8.Company {
	e.t.Helper()
	out := map[string][]bangwo8.Company{}
	for co, err := range e.client.AllCompanies(context.Background(), bangwo8.ListOptions{IncludeDeleted: true, PerPage: 1000}) {
		if err != nil {
			e.t.Fatal(err)
		}
		out[co.ServiceAccount] = append(out[co.ServiceAccount], co)
	}
	return out
}

// readReportCSV returns the report's rows (header first).
func readReportCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Errorf("report %s does not start with a BOM", path)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The status words, in the person's language, read back as actions.
	for _, r := range rows[1:] {
		if a, ok := lang.ActionOf(r[1]); ok {
			r[1] = a
		}
	}
	return rows
}

func TestImportCommandUpsert(t *testing.T) {
	for _, shape := range serverShapes {
		t.Run(shape.name, func(t *testing.T) { testImportCommandUpsert(t, shape.opt) })
	}
}

func testImportCommandUpsert(t *testing.T, shape sandboxtest.Option) {
	e := newImportEnv(t, sandboxtest.WithFixtures([]byte(importFixtures)), shape)
	in := e.csvFile("in.csv", "utf8",
		[]string{"甲公司", "acc-1", "2017/1/1", "10", ""},            // unchanged
		[]string{"乙公司新名", "acc-2", "", "", ""},                    // update name (empty cells keep)
		[]string{"丙公司", "acc-3", "2020年2月29日", "1,234.50", "pw1"}, // create
	)
	report := e.path("report.csv")
	code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth, "--report", report, "--log-format", "json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	cos := e.companies()
	if got := cos["acc-2"]; len(got) != 1 || got[0].CompanyName != "乙公司新名" {
		t.Errorf("acc-2: %+v", got)
	}
	if got := cos["acc-3"]; len(got) != 1 || got[0].ServiceStartTime != "2020-02-29" || got[0].ServiceCharge != "1234.50" {
		t.Errorf("acc-3: %+v", got)
	}
	if e.posts.Load() != 1 || e.puts.Load() != 1 {
		t.Errorf("%d creates and %d updates, want 1 and 1", e.posts.Load(), e.puts.Load())
	}
	rows := readReportCSV(t, report)
	want := [][]string{
		{"行号", "处理结果", "公司ID", "匹配值", "修改的字段", "规则", "问题说明", "备注", "资产", "变更明细"},
		{"2", "unchanged", "501", "acc-1", "", "", "", "", "", "第 2 行：无变化 甲公司（服务账号 acc-1，公司ID 501）"},
		// Empty cells keep the company's values: only the name changes.
		{"3", "updated", "502", "acc-2", "companyName", "", "", "", "", "第 3 行：已更新 乙公司新名（服务账号 acc-2，公司ID 502）\n    公司名称：乙公司 → 乙公司新名"},
		{"4", "created", rows[3][2], "acc-3", "", "", "", "", "", "第 4 行：已新建 丙公司（服务账号 acc-3，公司ID " + rows[3][2] + "）\n" +
			"    公司名称：丙公司\n    服务账号：acc-3\n    服务开始时间：2020-02-29\n    服务费余额：1234.50\n    服务密码：***"},
	}
	if len(rows) != len(want) {
		t.Fatalf("report:\n%v", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("report line %d = %v, want %v", i, rows[i], want[i])
		}
	}
	if !strings.Contains(stderr, `"msg":"import done"`) || !strings.Contains(stderr, `"created":1`) || !strings.Contains(stderr, `"unchanged":1`) {
		t.Errorf("no JSON summary line:\n%s", stderr)
	}
	if strings.Contains(stderr, e.srv.Password) || strings.Contains(stderr, "pw1") {
		t.Errorf("a password in the logs:\n%s", stderr)
	}
}

func TestValidateCommandIsOfflineAndReports(t *testing.T) {
	e := newImportEnv(t)
	in := e.csvFile("in.csv", "gbk",
		[]string{"甲公司", "acc-1", "2017-02-31", "", ""},         // no such day
		[]string{"乙公司", "acc-2", "", "", "a-very-long-secret"}, // password too long
		[]string{"丙公司", "acc-4", "", "", ""},                   // valid
		[]string{"丁公司", "acc-4", "", "", ""},                   // duplicate key
		[]string{"", "", "", "", ""},                           // blank: skipped
	)
	report := e.path("report.xlsx")
	var out, errb bytes.Buffer
	// No environment at all: validate needs no base URL, account or password.
	code := runTest(context.Background(), []string{"validate", "--in", in, "--mapping", e.mappingPth, "--report", report, "--no-progress"},
		&IOStreams{Out: &out, Err: &errb}, func(string) string { return "" })
	if code != exitPartial {
		t.Fatalf("exit %d, want 3\n%s\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{
		`in.csv：第 2 行 C 列（服务开始时间）：「2017-02-31」不是有效的日期`, "[date]",
		`第 3 行 E 列（服务密码）：太长：最多 8 个字`, "[max_length]",
		`第 5 行 B 列（服务账号）：「acc-4」与第 4 行重复`, "[duplicate_key]",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String()+errb.String(), "a-very-long-secret") {
		t.Error("the password cell's value was printed")
	}
	f, err := excelize.OpenFile(report)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	// The workbook report: the input's rows, those to fix first, then a status column.
	status := slices.Index(rows[0], "【处理结果】")
	if len(rows) != 5 || status < 0 || rows[1][status] != "有错误" || rows[2][status] != "有错误" || rows[3][status] != "有错误" || rows[4][status] != "正确" {
		t.Errorf("report rows: %v", rows)
	}
	if strings.Contains(strings.Join(rows[2], " "), "a-very-long-secret") {
		t.Error("the password cell's value is in the report")
	}
	if e.posts.Load()+e.puts.Load() != 0 {
		t.Error("validate wrote")
	}
}

func TestImportCommandEncodings(t *testing.T) {
	for _, enc := range []string{"utf8", "utf8-bom", "gbk"} {
		t.Run(enc, func(t *testing.T) {
			e := newImportEnv(t)
			in := e.csvFile("in.csv", enc, []string{"北京金万维科技有限公司", "acc-中文", "2017-01-01", "", ""})
			code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth)
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if got := e.companies()["acc-中文"]; len(got) != 1 || got[0].CompanyName != "北京金万维科技有限公司" {
				t.Errorf("imported %+v", got)
			}
		})
	}
}

func TestImportCommandBadRowsWriteNothing(t *testing.T) {
	e := newImportEnv(t)
	in := e.csvFile("in.csv", "utf8",
		[]string{"好公司", "acc-1", "", "", ""},
		[]string{"坏公司", "acc-2", "not a date", "", ""},
		[]string{"好公司二", "acc-3", "", "", ""},
	)
	code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth)
	if code != exitPartial || e.posts.Load() != 0 {
		t.Fatalf("exit %d with %d creates, want 3 and none\n%s", code, e.posts.Load(), stderr)
	}
	code, _, stderr = e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth, "--skip-invalid")
	if code != exitPartial || e.posts.Load() != 2 {
		t.Fatalf("--skip-invalid: exit %d with %d creates, want 3 and 2\n%s", code, e.posts.Load(), stderr)
	}
	cos := e.companies()
	if len(cos["acc-1"]) != 1 || len(cos["acc-3"]) != 1 || len(cos["acc-2"]) != 0 {
		t.Errorf("companies: %v", cos)
	}
}

func TestImportCommandDryRun(t *testing.T) {
	e := newImportEnv(t, sandboxtest.WithFixtures([]byte(importFixtures)))
	in := e.csvFile("in.csv", "utf8",
		[]string{"甲公司", "acc-1", "2017-01-01", "10.0", ""},
		[]string{"乙公司", "acc-2", "2019-09-09", "5", ""},
		[]string{"丙公司", "acc-3", "", "", ""},
	)
	code, out, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth, "--dry-run", "-v")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"第 2 行：无变化 甲公司（服务账号 acc-1，公司ID 501）\n",
		"第 3 行：更新 乙公司（服务账号 acc-2，公司ID 502）\n    服务开始时间：（空） → 2019-09-09\n    服务费余额：0.00 → 5\n",
		"第 4 行：新建 丙公司（服务账号 acc-3）\n    公司名称：丙公司\n    服务账号：acc-3\n",
		"计划（upsert）：新建 1，更新 1，无变化 1，有错误 0，未写入 0；清空 0 个字段。2 次写入和 5 次查找，按 --rps 10 约需 1 秒\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if e.posts.Load()+e.puts.Load() != 0 {
		t.Errorf("a dry run wrote %d times", e.posts.Load()+e.puts.Load())
	}
}

func TestImportCommandUsageErrors(t *testing.T) {
	e := newImportEnv(t)
	bad := e.write("bad.yaml", []byte("version: 1\ncolumns:\n  - header: x\n    field: nosuchfield\n"))
	in := e.csvFile("in.csv", "utf8", []string{"a", "b", "", "", ""})
	tests := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"import", "--in", in, "--mapping", bad}, "bad.yaml:4:", exitUsage},
		{[]string{"validate", "--in", in, "--mapping", bad}, "bad.yaml:4:", exitUsage},
		{[]string{"import", "--in", in, "--mapping", e.mappingPth, "--mode", "merge"}, "--mode", exitUsage},
		{[]string{"import", "--in", e.path("nope.csv"), "--mapping", e.mappingPth}, "nope.csv", exitUsage},
		{[]string{"import", "--in", e.write("x.ods", nil), "--mapping", e.mappingPth}, "want .xlsx or .csv", exitUsage},
		{[]string{"import", "--in", in, "--mapping", e.mappingPth, "--report", e.path("r.txt")}, "--report", exitUsage},
		{[]string{"validate", "--in", e.write("hdr.csv", []byte("公司名称,其他\nx,y\n")), "--mapping", e.mappingPth}, `required column "服务账号" is missing`, exitPartial},
	}
	for _, tt := range tests {
		code, _, stderr := e.run(context.Background(), tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", tt.args, code, tt.code, tt.want, stderr)
		}
	}
}

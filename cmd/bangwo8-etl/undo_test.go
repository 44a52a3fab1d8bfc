package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// undoMappingYAML matches by serviceaccount and has a cascade custom field, whose value the
// API holds as a list.
const undoMappingYAML = `version: 1
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
  - header: 区域
    field: custom.field_1
    type: cascade
  - header: 服务密码
    field: servicepassword
    empty: keep
`

var undoHeader = []string{"公司名称", "服务账号", "服务开始时间", "服务费余额", "区域", "服务密码"}

const undoFixtures = `{"companies": [
 {"uId": 501, "companyName": "甲公司", "serviceaccount": "acc-1", "servicestarttime": "2017-01-01", "serviceCharge": "10.00",
  "custom_fields": [{"key": "field_1", "value": ["北京市", "海淀区"]}]},
 {"uId": 502, "companyName": "乙公司", "serviceaccount": "acc-2", "servicestarttime": "2018-05-06", "serviceCharge": "20.00",
  "custom_fields": [{"key": "field_1", "value": ["上海市", "浦东新区"]}]},
 {"uId": 503, "companyName": "丙公司", "serviceaccount": "acc-3", "servicestarttime": "2019-07-08", "serviceCharge": "30.00",
  "custom_fields": [{"key": "field_1", "value": ["广东省", "广州市"]}]}
]}`

// undoEnv is an import with a journal, done, ready to be undone.
type undoEnv struct {
	*importEnv
	journal string
	before  map[int64]bangwo8.Company // the fixtures as the service had them
	created []int64                   // the companies the import created
}

// newUndoEnv imports, with a journal, rows that update 501 (name, amount, region) and 502
// (date), leave 503 as it is and create two companies.
func newUndoEnv(t *testing.T, opts ...sandboxtest.Option) *undoEnv {
	t.Helper()
	e := &undoEnv{importEnv: newImportEnv(t, append(opts, sandboxtest.WithFixtures([]byte(undoFixtures)))...)}
	e.mappingPth = e.write("undo-mapping.yaml", []byte(undoMappingYAML))
	e.before = e.show(501, 502, 503)
	in := e.csvRows("in.csv", undoHeader,
		[]string{"甲公司改", "acc-1", "2017-01-01", "12.5", "天津市/和平区", ""},
		[]string{"乙公司", "acc-2", "2020-02-02", "20", "上海市/浦东新区", ""},
		[]string{"丙公司", "acc-3", "2019-07-08", "30", "广东省/广州市", ""},
		[]string{"新公司八", "acc-8", "2021-01-01", "1", "北京市/朝阳区", ""},
		[]string{"新公司九", "acc-9", "2021-01-01", "2", "北京市/朝阳区", ""},
	)
	e.journal = e.path("导入记录.jsonl")
	code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth, "--journal", e.journal)
	if code != exitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	for _, acc := range []string{"acc-8", "acc-9"} {
		cos := e.companies()[acc]
		if len(cos) != 1 {
			t.Fatalf("%s: %d companies after the import", acc, len(cos))
		}
		e.created = append(e.created, cos[0].UID)
	}
	if got := e.show(501)[501]; got.CompanyName != "甲公司改" || got.ServiceCharge != "12.50" {
		t.Fatalf("the import did not update 501: %+v", got)
	}
	e.puts.Store(0)
	return e
}

// csvRows writes rows under header as a UTF-8 CSV file.
func (e *undoEnv) csvRows(name string, header []string, rows ...[]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return e.write(name, []byte(b.String()))
}

// show returns the companies ids as the service has them now.
func (e *undoEnv) show(ids ...int64) map[int64]bangwo8.Company {
	e.t.Helper()
	cos, _, err := e.client.ShowMany(context.Background(), ids)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[int64]bangwo8.Company{}
	for _, c := range cos {
		out[c.UID] = c
	}
	return out
}

// assertAsBefore checks that the fixtures have the values they had before the import, but for
// the fields named in except (uId -> field).
func (e *undoEnv) assertAsBefore(except map[int64]string) {
	e.t.Helper()
	now := e.show(501, 502, 503)
	for id, b := range e.before {
		n := now[id]
		region := func(c bangwo8.Company) bangwo8.FieldValue { v, _ := c.Custom("field_1"); return v }
		for f, pair := range map[string][2]any{
			"companyName":      {n.CompanyName, b.CompanyName},
			"servicestarttime": {n.ServiceStartTime, b.ServiceStartTime},
			"serviceCharge":    {n.ServiceCharge, b.ServiceCharge},
			"custom.field_1":   {region(n).String() + listMark(region(n)), region(b).String() + listMark(region(b))},
			"status":           {n.Status, b.Status},
		} {
			if except[id] == f {
				continue
			}
			if pair[0] != pair[1] {
				e.t.Errorf("company %d: %s is %v, before the import %v", id, f, pair[0], pair[1])
			}
		}
	}
}

func listMark(v bangwo8.FieldValue) string {
	if v.IsList() {
		return " (list)"
	}
	return ""
}

// assertCreatedDeleted checks that the companies the import created are soft-deleted.
func (e *undoEnv) assertCreatedDeleted() {
	e.t.Helper()
	now := e.show(e.created...)
	for _, id := range e.created {
		if c, ok := now[id]; !ok || c.Status != bangwo8.StatusDeleted {
			e.t.Errorf("created company %d: %+v, want status 2", id, c)
		}
	}
}

// undo runs the undo command with a terminal answering answer ("" for none).
func (e *undoEnv) undo(ctx context.Context, answer string, args ...string) (int, string, string) {
	e.t.Helper()
	var out, errb lockedBuffer
	streams := &IOStreams{In: strings.NewReader(answer), Out: &out, Err: &errb, InIsTerminal: answer != ""}
	code := runTest(ctx, append(append([]string{"undo", "--journal", e.journal}, args...), "--no-progress"), streams, e.getenv)
	return code, out.String(), errb.String()
}

// reportLines returns the undo report's lines by uId and field ("" for a company's line).
func reportLines(t *testing.T, path string) map[[2]string][]string {
	t.Helper()
	rows := readReportCSV(t, path)
	out := map[[2]string][]string{}
	for _, r := range rows[1:] {
		out[[2]string{r[0], r[3]}] = r
	}
	return out
}

// TestUndoRestoresUpdatesAndDeletesCreates undoes an import of two updates and two creates:
// every field is back as it was (the region a list again), the created companies are
// soft-deleted, the report says so in Chinese; run again, it writes nothing.
func TestUndoRestoresUpdatesAndDeletesCreates(t *testing.T) {
	e := newUndoEnv(t)
	code, out, stderr := e.undo(context.Background(), "", "--yes")
	if code != exitOK {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, stderr)
	}
	e.assertAsBefore(nil)
	e.assertCreatedDeleted()
	if got := e.puts.Load(); got != 4 {
		t.Errorf("%d updates sent, want 4 (one per company)", got)
	}
	for _, want := range []string{"恢复  501 甲公司改（第 2 行） 公司名称：甲公司改 → 甲公司", "服务费余额：12.50 → 10.00", "区域：天津市/和平区 → 北京市/海淀区",
		"撤销结果：已恢复 4 个字段，已删除 2 家公司"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr, "undo done") || !strings.Contains(stderr, "restore=4") {
		t.Errorf("no summary line:\n%s", stderr)
	}

	report := strings.TrimSuffix(e.journal, ".jsonl") + ".undo.csv"
	lines := reportLines(t, report)
	if got := lines[[2]string{"501", "服务费余额"}]; !slices.Equal(got, []string{"501", "甲公司改", "2", "服务费余额", "10.00", "12.50", "12.50", "已恢复", ""}) {
		t.Errorf("report line of 501's amount: %q", got)
	}
	if got := lines[[2]string{"502", "服务开始时间"}]; len(got) != 9 || got[4] != "2018-05-06" || got[7] != "已恢复" {
		t.Errorf("report line of 502's date: %q", got)
	}
	for _, id := range e.created {
		if got := lines[[2]string{strconv.FormatInt(id, 10), "状态"}]; len(got) != 9 || !strings.HasPrefix(got[7], "已删除") {
			t.Errorf("report line of created %d: %q", id, got)
		}
	}
	if _, ok := lines[[2]string{"503", ""}]; ok || len(lines) != 6 {
		t.Errorf("report has %d lines, want 4 fields and 2 companies: %v", len(lines), lines)
	}

	// Again: everything is already undone; nothing is written.
	code, out, stderr = e.undo(context.Background(), "", "--yes")
	if code != exitOK || e.puts.Load() != 4 {
		t.Fatalf("again: exit %d, %d updates in all\n%s\n%s", code, e.puts.Load(), out, stderr)
	}
	if !strings.Contains(out, "已是导入前的值 4 个字段，已是删除状态 2 家公司") {
		t.Errorf("again:\n%s", out)
	}
}

// TestUndoLeavesAFieldChangedSinceTheImport: a field changed again after the import is a
// conflict, reported and left as it is; the other fields of the company are restored; exit 3.
func TestUndoLeavesAFieldChangedSinceTheImport(t *testing.T) {
	e := newUndoEnv(t)
	// Someone edits 501's amount after the import; 502's date is set back by hand.
	if _, _, err := e.client.UpdateCompany(context.Background(), 501, bangwo8.CompanyInput{ServiceCharge: bangwo8.Ptr("99.00")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.client.UpdateCompany(context.Background(), 502, bangwo8.CompanyInput{ServiceStartTime: bangwo8.Ptr("2018-05-06")}); err != nil {
		t.Fatal(err)
	}
	e.puts.Store(0)

	code, out, stderr := e.undo(context.Background(), "", "--yes", "--lang", "en", "--report", e.path("undo.csv"))
	if code != exitPartial {
		t.Fatalf("undo: exit %d, want 3\n%s\n%s", code, out, stderr)
	}
	e.assertAsBefore(map[int64]string{501: "serviceCharge"})
	if got := e.show(501)[501].ServiceCharge; got != "99.00" {
		t.Errorf("501's amount is %s, want 99.00 (the later edit)", got)
	}
	e.assertCreatedDeleted()
	if got := e.puts.Load(); got != 3 {
		t.Errorf("%d updates, want 3 (501 without its amount, the two creates)", got)
	}
	want := "conflict: changed again since the import, left alone  501 甲公司改 (row 2) 服务费余额: now 99.00, the import wrote 12.50, before it 10.00"
	if !strings.Contains(out, want) {
		t.Errorf("output lacks\n%s\n%s", want, out)
	}
	if !strings.Contains(out, "undo result: restored 2 fields, deleted 2 companies, already as before 1 field, conflicts 1 field") {
		t.Errorf("counts:\n%s", out)
	}
	lines := reportLines(t, e.path("undo.csv"))
	if got := lines[[2]string{"501", "服务费余额"}]; len(got) != 9 || got[6] != "99.00" || !strings.HasPrefix(got[7], "conflict") {
		t.Errorf("report line of the conflict: %q", got)
	}
	if got := lines[[2]string{"502", "服务开始时间"}]; len(got) != 9 || got[7] != "already as before" {
		t.Errorf("report line of the date set back by hand: %q", got)
	}
}

// TestUndoInterruptedThenResumed stops an undo after its first update; the same command run
// again finishes it, writing only what is left.
func TestUndoInterruptedThenResumed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var armed atomic.Bool
	var seen atomic.Int64
	e := newUndoEnv(t, sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append(c.Middleware, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				next.ServeHTTP(w, r)
				if armed.Load() && r.Method == http.MethodPut && seen.Add(1) == 1 {
					cancel() // after the first update is done
				}
			})
		})
	}))
	armed.Store(true)
	code, out, stderr := e.undo(ctx, "", "--yes", "--concurrency", "1")
	if code != exitFailed {
		t.Fatalf("interrupted undo: exit %d, want 1\n%s\n%s", code, out, stderr)
	}
	first := e.puts.Load()
	if first < 1 || first > 2 {
		t.Fatalf("%d updates before the stop, want 1 or 2", first)
	}
	lines := reportLines(t, strings.TrimSuffix(e.journal, ".jsonl")+".undo.csv")
	notDone := 0
	for _, l := range lines {
		if strings.HasPrefix(l[7], "未执行") {
			notDone++
		}
	}
	if notDone == 0 {
		t.Errorf("the report of the stopped undo names nothing as not done: %v", lines)
	}

	armed.Store(false)
	code, out, stderr = e.undo(context.Background(), "", "--yes")
	if code != exitOK {
		t.Fatalf("resumed undo: exit %d\n%s\n%s", code, out, stderr)
	}
	e.assertAsBefore(nil)
	e.assertCreatedDeleted()
	if got := e.puts.Load(); got != 4 {
		t.Errorf("%d updates in all, want 4: the resumed undo wrote only what was left", got)
	}
}

// TestUndoDryRunWritesNothing shows the whole plan and writes its report, not the companies.
func TestUndoDryRunWritesNothing(t *testing.T) {
	e := newUndoEnv(t)
	code, out, stderr := e.undo(context.Background(), "", "--dry-run")
	if code != exitOK || e.puts.Load() != 0 {
		t.Fatalf("dry run: exit %d, %d updates\n%s\n%s", code, e.puts.Load(), out, stderr)
	}
	for _, want := range []string{"恢复  501 甲公司改（第 2 行） 公司名称：甲公司改 → 甲公司", "恢复  502 乙公司（第 3 行） 服务开始时间：2020-02-02 → 2018-05-06",
		"删除（状态改为已删除）  " + strconv.FormatInt(e.created[0], 10) + " 新公司八（第 5 行）", "撤销计划：恢复 4 个字段，删除 2 家公司"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	lines := reportLines(t, strings.TrimSuffix(e.journal, ".jsonl")+".undo.csv")
	if got := lines[[2]string{"501", "公司名称"}]; len(got) != 9 || got[7] != "恢复" {
		t.Errorf("dry-run report line: %q", got)
	}
	if got := e.show(501)[501].CompanyName; got != "甲公司改" {
		t.Errorf("the dry run changed 501: %s", got)
	}
}

// TestUndoAsksOnATerminal: without --yes, undo asks on a terminal and writes only after yes;
// any other answer writes nothing (exit 1); without a terminal it refuses at once (exit 2).
func TestUndoAsksOnATerminal(t *testing.T) {
	e := newUndoEnv(t)
	code, out, stderr := e.undo(context.Background(), "")
	if code != exitUsage || e.puts.Load() != 0 || !strings.Contains(stderr, "没有终端可以确认") || !strings.Contains(stderr, "--yes") || out != "" {
		t.Errorf("no terminal, no --yes: exit %d, %d updates\n%s\n%s", code, e.puts.Load(), out, stderr)
	}
	code, out, stderr = e.undo(context.Background(), "no\n")
	if code != exitFailed || e.puts.Load() != 0 || !strings.Contains(stderr, "确定撤销吗") || !strings.Contains(stderr, "已取消") {
		t.Errorf("answered no: exit %d, %d updates\n%s\n%s", code, e.puts.Load(), out, stderr)
	}
	if !strings.Contains(out, "撤销计划：恢复 4 个字段，删除 2 家公司") {
		t.Errorf("the plan was not shown before the question:\n%s", out)
	}
	code, out, stderr = e.undo(context.Background(), "yes\n")
	if code != exitOK || e.puts.Load() != 4 {
		t.Fatalf("answered yes: exit %d, %d updates\n%s\n%s", code, e.puts.Load(), out, stderr)
	}
	e.assertAsBefore(nil)
	e.assertCreatedDeleted()
}

// TestUndoRefusesAnotherService: a journal is undone only against the service and account
// the import wrote to, and only a journal that kept the previous values.
func TestUndoRefusesAnotherService(t *testing.T) {
	e := newUndoEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--base-url", "http://127.0.0.1:1"}, "请加 --base-url " + e.srv.URL + " 再撤销"},
		{[]string{"--account", "someone-else", "--lang", "en"}, "run undo with --account " + e.srv.Account},
	} {
		code, _, stderr := e.undo(context.Background(), "", append([]string{"--yes"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q\n%s", tc.args, code, tc.want, stderr)
		}
	}
	old := e.write("old.jsonl", []byte(`{"journal":"bangwo8-etl import journal","version":1,"input":"in.csv","size":1,"sha256":"x","mapping_sha256":"y","mode":"upsert"}`+"\n"+
		`{"row":2,"key":"acc-1","action":"updated","uId":501}`+"\n"))
	var out, errb lockedBuffer
	code := runTest(context.Background(), []string{"undo", "--journal", old, "--yes"}, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb}, e.getenv)
	if code != exitUsage || !strings.Contains(errb.String(), "another version of bangwo8-etl (journal version 1, not 2)") {
		t.Errorf("old journal: exit %d\n%s", code, errb.String())
	}
	if code, _, stderr := e.undo(context.Background(), "", "--yes", "--report", e.path("undo.xlsx")); code != exitUsage {
		t.Errorf("--report .xlsx: exit %d\n%s", code, stderr)
	}
	if e.puts.Load() != 0 {
		t.Errorf("%d updates sent by refused undos", e.puts.Load())
	}
	if _, err := os.Stat(e.path("missing.jsonl")); err == nil {
		t.Fatal("unexpected file")
	}
	e.journal = e.path("missing.jsonl")
	if code, _, stderr := e.undo(context.Background(), "", "--yes"); code != exitUsage || !strings.Contains(stderr, "missing.jsonl") {
		t.Errorf("missing journal: exit %d\n%s", code, stderr)
	}
}

// TestUndoBinaryKilledAndResumed kills a process undoing an import of 20 updates and 30
// creates in the middle (SIGKILL: no cleanup) and runs the same command again: every field is
// back, every created company deleted, and no company was written more than once but the
// few in flight at the kill.
func TestUndoBinaryKilledAndResumed(t *testing.T) {
	var fixtures strings.Builder
	fixtures.WriteString(`{"companies": [`)
	var rows [][]string
	for i := 1; i <= 20; i++ {
		if i > 1 {
			fixtures.WriteString(",")
		}
		fmt.Fprintf(&fixtures, `{"uId": %d, "companyName": "旧名%02d", "serviceaccount": "u-%02d", "servicestarttime": "2017-01-01", "serviceCharge": "1.00"}`, 600+i, i, i)
		rows = append(rows, []string{fmt.Sprintf("新名%02d", i), fmt.Sprintf("u-%02d", i), "2017-01-01", "1", ""})
	}
	fixtures.WriteString("]}")
	for i := 1; i <= 30; i++ {
		rows = append(rows, []string{fmt.Sprintf("新建%02d", i), fmt.Sprintf("c-%02d", i), "2020-01-01", "2", ""})
	}
	e := newImportEnv(t, sandboxtest.WithFixtures([]byte(fixtures.String())),
		sandboxtest.WithConfig(func(c *sandbox.Config) { c.Latency = 20 * time.Millisecond }))
	in := e.csvFile("in.csv", "utf8", rows...)
	journal := e.path("run.jsonl")
	if code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth, "--journal", journal, "--rps", "1000", "--concurrency", "8"); code != exitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	e.puts.Store(0)

	args := []string{"undo", "--journal", journal, "--yes", "--concurrency", "2", "--rps", "200", "--burst", "5",
		"--base-url", e.srv.URL, "--account", e.srv.Account}
	first := cliProcess(t, []string{"BANGWO8_PASSWORD=" + e.srv.Password}, args...)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for e.puts.Load() < 25 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	killedAt := e.puts.Load()
	if killedAt >= 50 {
		t.Fatalf("the undo finished (%d updates) before it was killed", killedAt)
	}

	second := cliProcess(t, []string{"BANGWO8_PASSWORD=" + e.srv.Password}, args...)
	out, err := second.CombinedOutput()
	if err != nil {
		t.Fatalf("resumed undo: %v\n%s", err, out)
	}
	for acc, cos := range e.companies() {
		c := cos[0]
		switch {
		case len(cos) != 1:
			t.Errorf("%s: %d companies", acc, len(cos))
		case strings.HasPrefix(acc, "u-") && (c.CompanyName != "旧名"+acc[2:] || c.Status != bangwo8.StatusActive):
			t.Errorf("%s: %s, status %d; want its old name back", acc, c.CompanyName, c.Status)
		case strings.HasPrefix(acc, "c-") && c.Status != bangwo8.StatusDeleted:
			t.Errorf("%s: status %d, want 2", acc, c.Status)
		}
	}
	// At most the --concurrency updates in flight at the kill are sent twice.
	if got := e.puts.Load(); got < 50 || got > 52 {
		t.Errorf("%d updates in all (%d before the kill), want 50 to 52", got, killedAt)
	}
	if !strings.Contains(string(out), "已是导入前的值") || !strings.Contains(string(out), "已是删除状态") {
		t.Errorf("the resumed undo does not say what was already undone:\n%s", out)
	}
}

// TestUndoReportsAFailedUpdate: a company whose update the service keeps refusing is failed,
// with the service's reason in the report; the others are undone; exit 3; and the same
// command, once the service takes it, finishes.
func TestUndoReportsAFailedUpdate(t *testing.T) {
	var refuse atomic.Bool
	e := newUndoEnv(t, sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append(c.Middleware, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if refuse.Load() && r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/502.json") {
					http.Error(w, `{"error":"InternalError","description":"disk full"}`, http.StatusInternalServerError)
					return
				}
				next.ServeHTTP(w, r)
			})
		})
	}))
	refuse.Store(true)
	code, out, stderr := e.undo(context.Background(), "", "--yes", "--retries", "1")
	if code != exitPartial {
		t.Fatalf("exit %d, want 3\n%s\n%s", code, out, stderr)
	}
	e.assertAsBefore(map[int64]string{502: "servicestarttime"})
	e.assertCreatedDeleted()
	lines := reportLines(t, strings.TrimSuffix(e.journal, ".jsonl")+".undo.csv")
	if got := lines[[2]string{"502", "服务开始时间"}]; len(got) != 9 || got[7] != "失败" || !strings.Contains(got[8], "disk full") {
		t.Errorf("report line of the failed company: %q", got)
	}
	refuse.Store(false)
	if code, out, stderr := e.undo(context.Background(), "", "--yes"); code != exitOK {
		t.Fatalf("again: exit %d\n%s\n%s", code, out, stderr)
	}
	e.assertAsBefore(nil)
}

// TestUndoRestoresClearedFields: an import whose cells clear a date and a region (the clear
// marker) and leave the amount empty (kept) is undone: the date and the region, a list, are
// back; the amount was never touched.
func TestUndoRestoresClearedFields(t *testing.T) {
	e := &undoEnv{importEnv: newImportEnv(t, sandboxtest.WithFixtures([]byte(undoFixtures)))}
	e.mappingPth = e.write("undo-mapping.yaml", []byte(undoMappingYAML))
	e.before = e.show(501, 502, 503)
	in := e.csvRows("in.csv", undoHeader, []string{"甲公司", "acc-1", "#清空", "", "#清空", ""})
	e.journal = e.path("run.jsonl")
	if code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth, "--journal", e.journal); code != exitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	got := e.show(501)[501]
	if region, _ := got.Custom("field_1"); got.ServiceStartTime != "" || region.String() != "" || got.ServiceCharge != "10.00" {
		t.Fatalf("the import did not clear the date and the region, or touched the amount: %+v", got)
	}
	e.puts.Store(0)
	code, out, stderr := e.undo(context.Background(), "", "--yes")
	if code != exitOK || e.puts.Load() != 1 {
		t.Fatalf("undo: exit %d, %d updates\n%s\n%s", code, e.puts.Load(), out, stderr)
	}
	e.assertAsBefore(nil)
	if !strings.Contains(out, "服务开始时间：（空） → 2017-01-01") {
		t.Errorf("the plan does not show the cleared date coming back:\n%s", out)
	}
}

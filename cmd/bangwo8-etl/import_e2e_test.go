package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
	"github.com/bangwo8-etl/bangwo8-etl/sheet"
)

// TestImportBinaryKilledAndResumed kills a process running a create import in the middle
// and runs the same command again with the same journal: every row ends up created exactly
// once.
func TestImportBinaryKilledAndResumed(t *testing.T) {
	e := newImportEnv(t, sandboxtest.WithConfig(func(c *sandbox.Config) { c.Latency = 20 * time.Millisecond }))
	const n = 60
	var rows [][]string
	for i := 1; i <= n; i++ {
		rows = append(rows, []string{fmt.Sprintf("公司%02d", i), fmt.Sprintf("acc-%02d", i), "", "", ""})
	}
	in := e.csvFile("in.csv", "utf8-bom", rows...)
	journal := e.path("journal.jsonl")
	command := func() *exec.Cmd {
		return cliProcess(t, []string{"BANGWO8_PASSWORD=" + e.srv.Password}, "import", "--in", in, "--mapping", e.mappingPth,
			"--mode", "create", "--journal", journal, "--report", e.path("report.csv"), "--concurrency", "3",
			"--rps", "200", "--burst", "5", "--base-url", e.srv.URL, "--account", e.srv.Account)
	}
	first := command()
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for e.posts.Load() < 20 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := first.Process.Kill(); err != nil { // SIGKILL: no cleanup, no final sync
		t.Fatal(err)
	}
	_ = first.Wait()
	killedAt := e.posts.Load()
	if killedAt >= n {
		t.Fatalf("the run finished (%d creates) before it was killed", killedAt)
	}

	var stderr bytes.Buffer
	second := command()
	second.Stderr = &stderr
	if err := second.Run(); err != nil {
		t.Fatalf("resume: %v\n%s", err, stderr.String())
	}
	cos := e.companies()
	for i := 1; i <= n; i++ {
		if got := len(cos[fmt.Sprintf("acc-%02d", i)]); got != 1 {
			t.Errorf("acc-%02d: %d companies, want 1", i, got)
		}
	}
	// Creates in flight when the process died may have reached the server without being
	// carried out (the sandbox drops a request whose client is gone while it waits out its
	// latency); the resumed run finds they created nothing and sends them again. So at most
	// --concurrency creates more than rows, and never a duplicate company (checked above).
	if got := e.posts.Load(); got < n || got > n+3 {
		t.Errorf("%d creates sent in all (%d before the kill), want %d to %d", got, killedAt, n, n+3)
	}
	if !strings.Contains(stderr.String(), "import done") {
		t.Errorf("no summary:\n%s", stderr.String())
	}
}

// TestImportRoundTrip exports with the sample mapping, edits the workbook as a person would
// (custom fields of every shape included), imports it, exports again, and finds exactly the
// edited values.
func TestImportRoundTrip(t *testing.T) {
	for _, shape := range serverShapes {
		t.Run(shape.name, func(t *testing.T) { testImportRoundTrip(t, shape.opt) })
	}
}

func testImportRoundTrip(t *testing.T, shape sandboxtest.Option) {
	const fixtures = `{"companies": [
 {"uId": 11, "companyName": "北京金万维科技有限公司", "serviceaccount": "jwv", "servicestarttime": "2017-01-01",
  "serviceCharge": "12.50", "tableName": "a,b", "status": 1,
  "custom_fields": [{"key": "field_1", "value": ["北京市", "二级1", "三级1"]}, {"key": "field_2", "value": "普通"},
   {"key": "field_3", "value": "是"}, {"key": "gjfx", "value": "4672422,4672423"}, {"key": "expect_time", "value": "2020-02-02"},
   {"key": "products", "value": ["A", "B"]}]},
 {"uId": 12, "companyName": "广州华信网络有限公司", "serviceaccount": "hx", "serveNote": "=1+1",
  "custom_fields": [{"key": "field_2", "value": "重要"}, {"key": "field_3", "value": "否"}]}
]}`
	e := newImportEnv(t, sandboxtest.WithFixtures([]byte(fixtures)), shape)
	samples := filepath.Join("..", "..", "samples", "mapping.yaml")
	first := e.path("first.xlsx")
	if code, _, stderr := e.run(context.Background(), "export", "--out", first, "--mapping", samples); code != exitOK {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}

	edits := map[string]string{ // header -> new value, for company jwv
		"公司名称": "北京金万维科技股份有限公司", "服务开始时间": "2018/3/4", "服务费余额": "99.9", "标签": "a，c",
		"区域": "上海市/浦东新区", "客户级别": "战略", "是否签约": "否", "关注方向": "4672424",
		"期望时间": "2024年5月6日", "产品线": "C", "备注": "  spaced note  ",
	}
	f, err := excelize.OpenFile(first)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	jwvRow := 0
	for i, r := range rows {
		if len(r) > col["服务账号"] && r[col["服务账号"]] == "jwv" {
			jwvRow = i + 1
		}
	}
	for h, v := range edits {
		i, ok := col[h]
		if !ok {
			t.Fatalf("no column %s in the export", h)
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, jwvRow)
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	edited := e.path("edited.xlsx")
	if err := f.SaveAs(edited); err != nil {
		t.Fatal(err)
	}
	f.Close()

	report := e.path("report.csv")
	code, _, stderr := e.run(context.Background(), "import", "--in", edited, "--mapping", samples, "--report", report)
	if code != exitOK {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	rep := readReportCSV(t, report)
	if len(rep) != 3 || rep[1][1] != "updated" || rep[2][1] != "unchanged" || e.puts.Load() != 1 {
		t.Errorf("report %v with %d updates", rep, e.puts.Load())
	}

	second := e.path("second.xlsx")
	if code, _, stderr := e.run(context.Background(), "export", "--out", second, "--mapping", samples); code != exitOK {
		t.Fatalf("export again: exit %d\n%s", code, stderr)
	}
	m, err := mapping.Load(samples)
	if err != nil {
		t.Fatal(err)
	}
	want, got := canonicalRows(t, edited, m), canonicalRows(t, second, m)
	if len(want) != len(got) {
		t.Fatalf("%d rows exported, want %d", len(got), len(want))
	}
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("row %d after the round trip:\n got %s\nwant %s", i+2, got[i], want[i])
		}
	}
	if !strings.Contains(want[0]+want[1], "上海市/浦东新区") {
		t.Errorf("the edits are not in the file: %v", want)
	}
}

// canonicalRows reads a workbook through the mapping and returns each row's canonical values,
// so that a date typed as text and a date cell compare equal.
func canonicalRows(t *testing.T, path string, m *mapping.Mapping) []string {
	t.Helper()
	report := path + ".report.csv"
	sum, err := importer.Validate(context.Background(), path, m, importer.ValidateOptions{Report: report})
	if err != nil || sum.Invalid > 0 {
		t.Fatalf("%s: %v %+v", path, err, sum)
	}
	src, err := sheet.Open(path, m.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	headerRow, header, err := sheet.ReadHeader(src, path)
	if err != nil {
		t.Fatal(err)
	}
	b, problems := m.Bind(header, mapping.ReadOptions{DateSystem: src.DateSystem(), HeaderRow: headerRow})
	if b == nil {
		t.Fatalf("%s: %v", path, problems)
	}
	var out []string
	for {
		row, cells, err := sheet.NextRow(src)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		rec, problems := b.Record(row, cells)
		if rec == nil {
			t.Fatalf("%s: row %d: %v", path, row, problems)
		}
		var line strings.Builder
		fmt.Fprintf(&line, "uId=%d", rec.UID)
		for _, v := range rec.Values {
			fmt.Fprintf(&line, " %s=%q", v.Column.Field, v.Text)
		}
		out = append(out, line.String())
	}
}

package main

import (
	"context"
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// Sheets as people and office programs make them. The workbooks under testdata/office were
// written by LibreOffice Calc (scripts/office-fixtures.sh regenerates them); the others are
// made here with excelize.

const officeDir = "../../testdata/office"

// reportMappingYAML is importMappingYAML without the sheet: and with a date column, read
// from whichever sheet holds its header.
const officeMappingYAML = `version: 1
match: serviceaccount
columns:
  - {header: 公司名称, field: companyName, required: true}
  - {header: 服务账号, field: serviceaccount, required: true, pattern: '[A-Za-z0-9_.@-]+'}
  - {header: 服务开始时间, field: servicestarttime, type: date}
  - {header: 服务费余额, field: serviceCharge, type: decimal}
`

// cellsOf returns the data cells of a workbook's first sheet with their types, by reference.
func cellsOf(t *testing.T, path string, cols int) (sheet string, values map[string]string, types map[string]excelize.CellType) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet = f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	values, types = map[string]string{}, map[string]excelize.CellType{}
	for r := range rows {
		for c := 1; c <= cols; c++ {
			ref, _ := excelize.CoordinatesToCellName(c, r+1)
			values[ref], _ = f.GetCellValue(sheet, ref)
			types[ref], _ = f.GetCellType(sheet, ref)
		}
	}
	return sheet, values, types
}

// TestOfficeWorkbookSheetsDatesAndReport: a workbook saved by LibreOffice with a sheet of
// notes, a hidden sheet of old data and the table under a title row. The table is found;
// its date cell is a date, the text 20240305 a date, the bare number 2024 refused with the
// fix; the report keeps each cell's type, and a report of the report is the same.
func TestOfficeWorkbookSheetsDatesAndReport(t *testing.T) {
	e := newImportEnv(t)
	m := e.write("m.yaml", []byte(officeMappingYAML))
	report := e.path("检查结果.xlsx")
	code, stdout, stderr := e.run(context.Background(), "validate", "--in", filepath.Join(officeDir, "sheets.xlsx"), "--mapping", m, "--report", report)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitPartial, stdout, stderr)
	}
	for _, want := range []string{"sheets.xlsx [客户]：第 6 行 C 列（服务开始时间）：「2024」是一个数字，不是日期：请写成 2024-03-05", "[date]"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Count(stdout, "\n") != 1 {
		t.Errorf("want one problem line:\n%s", stdout)
	}
	if !strings.Contains(stderr, "sheet=客户") || !strings.Contains(stderr, "rows=4 invalid=1") || !strings.Contains(stderr, "report="+report) {
		t.Errorf("summary:\n%s", stderr)
	}
	if !strings.Contains(stderr, "有 1 列不在映射文件里，已忽略：E 备注") {
		t.Errorf("the unknown column is not named:\n%s", stderr)
	}

	sheet, values, types := cellsOf(t, report, 5)
	if sheet != "客户" {
		t.Errorf("report sheet %q", sheet)
	}
	// Row 2 is the invalid row (丙公司), then 甲, 乙, 丁 in file order.
	if values["A2"] != "丙公司" || values["A3"] != "甲公司" || values["A4"] != "乙公司" || values["A5"] != "丁公司" {
		t.Fatalf("report rows %v", values)
	}
	for ref, want := range map[string]struct {
		value string
		typ   excelize.CellType
	}{
		"C3": {"2024-03-05", excelize.CellTypeUnset}, // a date: a number with a date format
		"C4": {"2024-03-05", excelize.CellTypeUnset}, // the text 20240305, accepted, as a date
		"C5": {"2024-03-06", excelize.CellTypeUnset},
		"C2": {"2024", excelize.CellTypeSharedString},     // refused: marked red, as the text to fix
		"D3": {"0", excelize.CellTypeUnset},               // 0 stays a number
		"D4": {"12.5", excelize.CellTypeUnset},            // a number
		"B3": {"lo-1", excelize.CellTypeSharedString},     // text stays text
		"E3": {"日期格式的单元格", excelize.CellTypeSharedString}, // an unknown column, as it was
	} {
		if values[ref] != want.value || types[ref] != want.typ && !(want.typ == excelize.CellTypeSharedString && types[ref] == excelize.CellTypeInlineString) {
			t.Errorf("report %s = %q (type %v), want %q (type %v)", ref, values[ref], types[ref], want.value, want.typ)
		}
	}

	// The report of the report: the same cells, the same types.
	again := e.path("再检查.xlsx")
	if code, _, stderr := e.run(context.Background(), "validate", "--in", report, "--mapping", m, "--report", again); code != exitPartial {
		t.Fatalf("validate of the report: exit %d\n%s", code, stderr)
	}
	_, values2, types2 := cellsOf(t, again, 5)
	for ref := range values {
		if values2[ref] != values[ref] || types2[ref] != types[ref] {
			t.Errorf("report of the report %s = %q (%v), was %q (%v)", ref, values2[ref], types2[ref], values[ref], types[ref])
		}
	}
}

// TestOfficeCSVSavedAsWorkbook: a CSV saved as .xlsx by LibreOffice names its one sheet after
// the file ("in"); the mapping names 公司. The one visible sheet is read, with a note. --sheet
// asks for a sheet by name, and a missing one is refused.
func TestOfficeCSVSavedAsWorkbook(t *testing.T) {
	e := newImportEnv(t)
	in := filepath.Join(officeDir, "in.xlsx")
	code, stdout, stderr := e.run(context.Background(), "validate", "--in", in, "--mapping", "../../samples/mapping.yaml")
	if code != exitPartial || !strings.Contains(stderr, "没有工作表「公司」：读的是唯一可见的工作表「in」") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "第 3 行 C 列（服务开始时间）：「2024」是一个数字") || strings.Contains(stdout, "第 2 行") || strings.Contains(stdout, "第 4 行") {
		t.Errorf("want only row 3's bare number refused:\n%s", stdout)
	}
	// No report asked for: the summary names none, the error says how to get one.
	if strings.Contains(stderr, "report=") || !strings.Contains(stderr, "加 --report") {
		t.Errorf("summary and error without a report:\n%s", stderr)
	}
	code, _, stderr = e.run(context.Background(), "validate", "--in", in, "--mapping", "../../samples/mapping.yaml", "--sheet", "公司")
	if code != exitUsage || !strings.Contains(stderr, `no sheet "公司" (the workbook has "in")`) {
		t.Errorf("--sheet 公司: exit %d\n%s", code, stderr)
	}
	code, _, stderr = e.run(context.Background(), "validate", "--in", in, "--mapping", "../../samples/mapping.yaml", "--sheet", "in")
	if code != exitPartial || strings.Contains(stderr, "no sheet") {
		t.Errorf("--sheet in: exit %d\n%s", code, stderr)
	}
}

// TestOfficeNearMissHeaders: headers typed as people type them are named in the error, with
// what the header row holds.
func TestOfficeNearMissHeaders(t *testing.T) {
	e := newImportEnv(t)
	m := e.write("m.yaml", []byte(officeMappingYAML))
	code, _, stderr := e.run(context.Background(), "validate", "--in", filepath.Join(officeDir, "near-miss.xlsx"), "--mapping", m)
	if code != exitPartial {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		`required column "公司名称" is missing; did you mean "公司名称（必填）" (column A)?`,
		`required column "服务账号" is missing; did you mean "服务帐号" (column B)?`,
		`row 1 holds A 公司名称（必填）, B 服务帐号, C 服务开始时间`,
		// Chinese first.
		"near-miss.xlsx [near-miss]：表头（第 1 行）不对：缺少列「公司名称」，是不是第 A 列的「公司名称（必填）」？",
		"缺少列「服务账号」，是不是第 B 列的「服务帐号」？",
		"这一行是：A 公司名称（必填）、B 服务帐号、C 服务开始时间",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestHiddenFirstSheetIsSkipped: a workbook (made with excelize) whose first sheet is hidden
// old data with the same header: the visible sheet is read; --sheet reads the hidden one
// when asked.
func TestHiddenFirstSheetIsSkipped(t *testing.T) {
	e := newImportEnv(t)
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "旧数据")
	f.NewSheet("公司")
	for sheet, rows := range map[string][][]any{
		"旧数据": {toAnyRow(importHeader), {"旧公司", "old-1"}},
		"公司":  {toAnyRow(importHeader), {"新公司", "new-1", "2024-03-05"}, {"新公司二", "new-2", 2024}},
	} {
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow(sheet, cell, &r)
		}
	}
	f.SetActiveSheet(1)
	if err := f.SetSheetVisible("旧数据", false); err != nil {
		t.Fatal(err)
	}
	in := e.path("hidden.xlsx")
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := e.run(context.Background(), "validate", "--in", in, "--mapping", e.mappingPth)
	if code != exitPartial || !strings.Contains(stderr, "sheet=公司") || !strings.Contains(stdout, "hidden.xlsx [公司]：第 3 行 C 列（服务开始时间）：「2024」是一个数字") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = e.run(context.Background(), "validate", "--in", in, "--mapping", e.mappingPth, "--sheet", "旧数据")
	if code != exitOK || !strings.Contains(stderr, "sheet=旧数据") {
		t.Errorf("--sheet 旧数据: exit %d\n%s", code, stderr)
	}
}

func toAnyRow(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// TestReportNeverOverwritesItsInput: validating or importing a report with itself as the
// report is refused before anything is read, whatever the spelling of the path.
func TestReportNeverOverwritesItsInput(t *testing.T) {
	e := newImportEnv(t)
	in := e.csvFile("in.csv", "utf8", []string{"甲公司", "acc-1", "", "", ""})
	before, _ := os.ReadFile(in)
	for _, args := range [][]string{
		{"validate", "--in", in, "--mapping", e.mappingPth, "--report", in},
		{"import", "--in", in, "--mapping", e.mappingPth, "--report", filepath.Join(e.dir, ".", "in.csv")},
	} {
		code, _, stderr := e.run(context.Background(), args...)
		if code != exitUsage || !strings.Contains(stderr, "is the input file") {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	if after, _ := os.ReadFile(in); string(after) != string(before) || e.posts.Load() != 0 {
		t.Error("the input was overwritten, or a company written")
	}
}

// TestJournalAcrossFixesBinary: the command of the README's loop: import, fix the invalid
// rows in the same file, run the same command again. The journal continues; a journal of
// another account is refused in plain words (exit 2).
func TestJournalAcrossFixesBinary(t *testing.T) {
	e := newImportEnv(t)
	journal := e.path("导入记录.jsonl")
	in := e.csvFile("in.csv", "utf8",
		[]string{"甲公司", "acc-1", "", "", ""},
		[]string{"乙公司", "acc-2", "2017-02-31", "", ""})
	args := []string{"import", "--in", in, "--mapping", e.mappingPth, "--journal", journal, "--skip-invalid"}
	if code, _, stderr := e.run(context.Background(), args...); code != exitPartial || !strings.Contains(stderr, "created=1") {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	e.csvFile("in.csv", "utf8",
		[]string{"甲公司", "acc-1", "", "", ""},
		[]string{"乙公司", "acc-2", "2017-02-28", "", ""})
	code, _, stderr := e.run(context.Background(), args...)
	if code != exitOK || !strings.Contains(stderr, "created=1") || !strings.Contains(stderr, "skipped=1") {
		t.Fatalf("after the fix: exit %d\n%s", code, stderr)
	}
	if e.posts.Load() != 2 || len(e.companies()) != 2 {
		t.Errorf("%d creates, want 2", e.posts.Load())
	}
	code, _, stderr = e.run(context.Background(), append(args, "--account", "someone-else")...)
	if code != exitUsage || !strings.Contains(stderr, `it was written for account "`+e.srv.Account+`", not "someone-else"`) {
		t.Errorf("another account: exit %d\n%s", code, stderr)
	}
}

// TestSummaryNamesOnlyWrittenReports: a run stopped before its report was written (the
// service refuses the lookup) names no report, and none is there.
func TestSummaryNamesOnlyWrittenReports(t *testing.T) {
	e := newImportEnv(t, sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append(c.Middleware, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					http.Error(w, `{"status":"error"}`, http.StatusUnauthorized)
					return
				}
				next.ServeHTTP(w, r)
			})
		})
	}))
	in := e.csvFile("in.csv", "utf8", []string{"甲公司", "acc-1", "", "", ""})
	report := e.path("结果.xlsx")
	code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth, "--report", report)
	if code == exitOK || strings.Contains(stderr, "report=") || strings.Contains(stderr, "见报告") {
		t.Errorf("exit %d; the summary names a report:\n%s", code, stderr)
	}
	if _, err := os.Stat(report); !os.IsNotExist(err) {
		t.Errorf("a report is there: %v", err)
	}
}

// TestSamplesCommand: the samples are written anywhere, and the quick start works from
// there; a missing --mapping that names a sample says how to get it.
func TestSamplesCommand(t *testing.T) {
	e := newImportEnv(t)
	dir := e.path("示例")
	code, stdout, stderr := e.run(context.Background(), "samples", "--out", dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, en := range entries {
		names = append(names, en.Name())
	}
	slices.Sort(names)
	want := []string{"README.md", "broken.xlsx", "companies.csv", "companies.xlsx", "mapping-minimal.yaml", "mapping.yaml", "说明.txt"}
	if !slices.Equal(names, want) || !strings.Contains(stdout, filepath.Join(dir, "说明.txt")) {
		t.Errorf("files %v, want %v\n%s", names, want, stdout)
	}
	if code, _, stderr := e.run(context.Background(), "validate", "--in", filepath.Join(dir, "companies.xlsx"), "--mapping", filepath.Join(dir, "mapping.yaml")); code != exitOK {
		t.Errorf("validate of the written sample: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := e.run(context.Background(), "samples", "--out", dir); code != exitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("samples over samples: exit %d\n%s", code, stderr)
	}
	code, _, stderr = e.run(context.Background(), "validate", "--in", filepath.Join(dir, "companies.xlsx"), "--mapping", e.path("samples/mapping.yaml"))
	if code != exitUsage || !strings.Contains(stderr, "bangwo8-etl samples --out DIR") {
		t.Errorf("a missing sample mapping: exit %d\n%s", code, stderr)
	}
}

// TestThousandsOfUnknownColumnsOneLine: 2,000 columns the mapping does not know are named in
// one warning line, not 2,000.
func TestThousandsOfUnknownColumnsOneLine(t *testing.T) {
	e := newImportEnv(t)
	header := append([]string{}, importHeader...)
	row := []string{"甲公司", "acc-1", "", "", ""}
	for i := range 2000 {
		header = append(header, "多余"+strconv.Itoa(i))
		row = append(row, "x")
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll([][]string{header, row})
	in := e.write("wide.csv", []byte(b.String()))
	code, _, stderr := e.run(context.Background(), "validate", "--in", in, "--mapping", e.mappingPth)
	if code != exitOK || strings.Count(stderr, "不在映射文件里") != 1 || !strings.Contains(stderr, "有 2000 列不在映射文件里，已忽略：F 多余0, G 多余1") || !strings.Contains(stderr, "(1980 more)") {
		t.Errorf("exit %d\n%.2000s", code, stderr)
	}
}

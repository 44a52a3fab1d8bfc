package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/lang"
)

// reportInput writes a workbook with good and bad rows for testMapping's columns (公司ID,
// 公司名称, 服务账号, 服务开始时间, 服务费余额, 服务密码, 区域) and an extra column.
func reportInput(t *testing.T) string {
	path := tempPath(t, "输入.xlsx")
	day := time.Date(2021, 5, 6, 0, 0, 0, 0, time.UTC)
	writeXLSX(t, path, "客户", [][]any{
		append(slices.Clone(toAny(testHeader)), "备用列"),
		{"", "好公司一", "good-1", day, 12.5, "secret-1", "北京市/朝阳区", "x"},
		{"", "", "bad-1", "2017-02-31", "", "", "", "x"},       // required, date
		{"", "好公司二", "good-2", "", "", "", "", ""},             //
		{"", "坏金额公司", "bad-2", "", "一百元", "secret-2", "", ""},  // decimal
		{"", "重复账号公司", "good-1", "2020-01-01", "", "", "", ""}, // duplicate key
	}, false)
	return path
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func openWorkbook(t *testing.T, path string) (*excelize.File, [][]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return f, rows
}

func fillOf(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Fill.Color) == 0 {
		return ""
	}
	return s.Fill.Color[0]
}

func TestXLSXReportOfValidate(t *testing.T) {
	m := testMapping(t, "serviceaccount")
	input := reportInput(t)
	report := tempPath(t, "报告.xlsx")
	sum, err := Validate(context.Background(), input, m, ValidateOptions{Report: report})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Invalid != 3 || sum.Valid != 2 {
		t.Fatalf("summary %+v", sum)
	}
	f, rows := openWorkbook(t, report)
	sheet := f.GetSheetName(0)
	if sheet != "客户" {
		t.Errorf("report sheet %q, want the input's 客户 (the importer reads the first sheet)", sheet)
	}
	wantHeader := append(slices.Clone(testHeader), "备用列", "【处理结果】", "【问题说明】", "【原行号】")
	if !slices.Equal(rows[0], wantHeader) {
		t.Errorf("header %q, want %q", rows[0], wantHeader)
	}
	// The rows to fix first, then the others in file order, each with its input row number.
	var order, status []string
	for _, r := range rows[1:] {
		order = append(order, r[len(r)-1])
		status = append(status, r[len(wantHeader)-3])
	}
	if want := []string{"3", "5", "6", "2", "4"}; !slices.Equal(order, want) {
		t.Errorf("row order %v, want %v", order, want)
	}
	if want := []string{"有错误", "有错误", "有错误", "正确", "正确"}; !slices.Equal(status, want) {
		t.Errorf("statuses %v, want %v", status, want)
	}
	if rows[4][1] != "好公司一" || rows[4][4] != "12.5" || rows[4][3] != "2021-05-06" {
		t.Errorf("a good row is not as it was: %q", rows[4])
	}
	if v, _ := f.GetCellType(sheet, "D5"); v == excelize.CellTypeSharedString || v == excelize.CellTypeInlineString {
		t.Errorf("a date read as a serial is written as text (%v), not as a date", v)
	}
	if strings.Contains(fmt.Sprint(rows), "secret-") {
		t.Error("a password is in the report")
	}

	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]string{}
	for _, c := range comments {
		byCell[c.Cell] = c.Text
	}
	for cell, want := range map[string]string{
		"B2": "必填", "D2": "2017-02-31", "E3": "一百元", "C4": "重复",
	} {
		if !strings.Contains(byCell[cell], want) {
			t.Errorf("comment of %s %q, want it to mention %q (all: %v)", cell, byCell[cell], want, byCell)
		}
		if got := fillOf(t, f, sheet, cell); got != "FF9999" {
			t.Errorf("fill of bad cell %s = %q, want red FF9999", cell, got)
		}
	}
	if len(comments) != 4 {
		t.Errorf("%d comments, want one per bad cell: %v", len(comments), byCell)
	}
	if got := fillOf(t, f, sheet, "B5"); got == "FF9999" {
		t.Error("a good cell is red")
	}
	if !strings.Contains(rows[1][len(wantHeader)-2], "公司名称：必填") {
		t.Errorf("problems column %q", rows[1][len(wantHeader)-2])
	}
	if notes, err := f.GetRows("说明"); err != nil || len(notes) < 5 {
		t.Errorf("notes sheet: %v, %v", notes, err)
	}

	// A report of the report: the added columns once, the bad cells where they were.
	again := tempPath(t, "again.xlsx")
	if _, err := Validate(context.Background(), report, m, ValidateOptions{Report: again}); err != nil {
		t.Fatal(err)
	}
	g, againRows := openWorkbook(t, again)
	if !slices.Equal(againRows[0], wantHeader) {
		t.Errorf("report of a report: header %q, want %q", againRows[0], wantHeader)
	}
	if got := fillOf(t, g, g.GetSheetName(0), "D2"); got != "FF9999" {
		t.Errorf("report of a report: D2 fill %q, want red", got)
	}

	// Fix the red cells in the report and validate the report itself: every row passes.
	fixes := map[string]any{"B2": "修好的公司", "D2": "2017-02-28", "E3": 100, "C4": "fixed-3"}
	for cell, v := range fixes {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	sum, err = Validate(context.Background(), report, m, ValidateOptions{})
	if err != nil || sum.Invalid != 0 || sum.Valid != 5 {
		t.Fatalf("the fixed report: %+v, %v", sum, err)
	}
	// And it imports: the extra columns are ignored.
	_, api, _ := newSandbox(t)
	sum, err = Import(context.Background(), api, report, m, Options{})
	if err != nil || sum.Created != 5 || sum.Invalid+sum.Failed != 0 {
		t.Fatalf("import of the fixed report: %+v, %v", sum, err)
	}
	if got := byAccount(t, api); len(got["fixed-3"]) != 1 || got["good-1"][0].ServiceCharge != "12.50" {
		t.Errorf("imported companies: %v", got)
	}
}

func TestXLSXReportOfImportInEnglish(t *testing.T) {
	m := testMapping(t, "serviceaccount")
	input := reportInput(t)
	report := tempPath(t, "report.xlsx")
	_, api, _ := newSandbox(t)
	sum, err := Import(context.Background(), api, input, m, Options{Report: report, SkipInvalid: true, Lang: lang.English})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 2 || sum.Invalid != 3 {
		t.Fatalf("summary %+v", sum)
	}
	f, rows := openWorkbook(t, report)
	n := len(testHeader) + 1
	if rows[0][n] != "[result]" {
		t.Errorf("header %q", rows[0])
	}
	var status []string
	for _, r := range rows[1:] {
		status = append(status, r[n])
	}
	if want := []string{"invalid", "invalid", "invalid", "created", "created"}; !slices.Equal(status, want) {
		t.Errorf("statuses %v, want %v", status, want)
	}
	// The created rows carry their new id, so importing the report again finds them.
	for _, r := range rows[4:] {
		if !strings.HasPrefix(r[0], "100") {
			t.Errorf("created row without its uId: %q", r)
		}
	}
	if rows[1][0] != "" {
		t.Errorf("an invalid row got a uId: %q", rows[1])
	}
	comments, _ := f.GetComments(f.GetSheetName(0))
	if len(comments) == 0 || !strings.Contains(comments[0].Text, "Required") {
		t.Errorf("comments %v: want English", comments)
	}
	if _, err := f.GetRows("About"); err != nil {
		t.Errorf("no About sheet: %v", err)
	}
}

func TestXLSXReportOfCSVInputAndLargeNumbers(t *testing.T) {
	m := testMapping(t, "serviceaccount")
	input := tempPath(t, "in.csv")
	writeCSV(t, input, [][]string{testHeader,
		{"", "甲", "a-1", "2020-01-01", "0012", "", ""},
		{"", "乙", "a-2", "2020-01-01", "1234567890123456.5", "", ""},
	}, "utf8")
	report := tempPath(t, "r.xlsx")
	if _, err := Validate(context.Background(), input, m, ValidateOptions{Report: report}); err != nil {
		t.Fatal(err)
	}
	f, rows := openWorkbook(t, report)
	if f.GetSheetName(0) != "公司" {
		t.Errorf("sheet of a CSV input's report: %q", f.GetSheetName(0))
	}
	if rows[1][4] != "0012" || rows[2][4] != "1234567890123456.5" || rows[1][3] != "2020-01-01" {
		t.Errorf("cells not kept as they were: %q", rows[1:])
	}
}

// BenchmarkValidateReport validates a 100,000-row workbook writing each kind of report, to
// show what the workbook report costs over the CSV one.
func BenchmarkValidateReport(b *testing.B) {
	const n = 100_000
	in := b.TempDir() + "/big.xlsx"
	writeBigXLSX(b, in, n)
	m := testMapping(b, "serviceaccount")
	for _, ext := range []string{"csv", "xlsx"} {
		b.Run(ext, func(b *testing.B) {
			report := b.TempDir() + "/report." + ext
			for b.Loop() {
				stop := make(chan struct{})
				peak := peakHeap(stop)
				start := time.Now()
				sum, err := Validate(context.Background(), in, m, ValidateOptions{Report: report})
				elapsed := time.Since(start)
				close(stop)
				if err != nil || sum.Rows != n {
					b.Fatalf("%v %+v", err, sum)
				}
				b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
				b.ReportMetric(float64(<-peak)/(1<<20), "peak-heap-MB")
			}
		})
	}
}

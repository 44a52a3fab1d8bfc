package template

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func sampleMapping(t *testing.T) *mapping.Mapping {
	t.Helper()
	m, err := mapping.Load("../samples/mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func open(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestTemplateContents(t *testing.T) {
	m := sampleMapping(t)
	for _, l := range []lang.Lang{lang.Chinese, lang.English} {
		t.Run(string(l), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "模板.xlsx")
			if err := Write(path, m, l); err != nil {
				t.Fatal(err)
			}
			f := open(t, path)
			if got := f.GetSheetName(0); got != "公司" {
				t.Errorf("first sheet %q, want the mapping's 公司", got)
			}
			rows, err := f.GetRows("公司")
			if err != nil || len(rows) != 1 {
				t.Fatalf("rows %v, %v; want the header alone", rows, err)
			}
			var want []string
			for _, c := range Columns(m) {
				want = append(want, c.Header)
			}
			if !slices.Equal(rows[0], want) {
				t.Errorf("header %q, want %q", rows[0], want)
			}
			if slices.Contains(rows[0], "创建时间") || !slices.Contains(rows[0], "公司ID") {
				t.Errorf("header %q: read-only columns must be left out, uId kept", rows[0])
			}

			// The rules of an import, on their own sheet in the template's language.
			rules, err := f.GetRows(RulesSheetName(l))
			if err != nil || len(rules) != len(l.ImportRules()) || rules[2][0] != l.ImportRules()[2] {
				t.Errorf("rules sheet %q: %v", rules, err)
			}
			marker := l.Pick("#清空", "#CLEAR")
			if !strings.Contains(rules[2][0], marker) {
				t.Errorf("the rules do not name the clear marker %s: %q", marker, rules[2][0])
			}

			comments, err := f.GetComments("公司")
			if err != nil || len(comments) != len(want) {
				t.Fatalf("%d comments (%v), want one per header", len(comments), err)
			}
			byCell := map[string]string{}
			for _, c := range comments {
				byCell[c.Cell] = commentText(c)
				if c.Author != Author {
					t.Errorf("comment author %q", c.Author)
				}
			}
			col := func(header string) string { return mapping.ColumnLetter(slices.Index(want, header)) }
			required, date, status := byCell[col("公司名称")+"1"], byCell[col("服务结束时间")+"1"], byCell[col("状态")+"1"]
			if !strings.Contains(required, l.Pick("必填", "Required")) || !strings.Contains(required, "100") {
				t.Errorf("note of 公司名称 %q: want required and the length limit", required)
			}
			if !strings.Contains(date, "2017-01-01") {
				t.Errorf("note of a date column %q: want an example", date)
			}
			if !strings.Contains(status, "未删除") || !strings.Contains(status, "已删除") {
				t.Errorf("note of 状态 %q: want the allowed values", status)
			}
			if start := byCell[col("服务开始时间")+"1"]; !strings.HasPrefix(start, "例如 2017-01-01") {
				t.Errorf("note of 服务开始时间 %q: the mapping's note comes first", start)
			}

			dvs, err := f.GetDataValidations("公司")
			if err != nil {
				t.Fatal(err)
			}
			lists := map[string]string{}
			for _, dv := range dvs {
				lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
			}
			for header, wantList := range map[string]string{"状态": "未删除,已删除", "是否签约": "是,否", "客户级别": "普通,重要,战略"} {
				got, ok := lists[col(header)+"2"]
				if !ok || !strings.Contains(got, wantList) {
					t.Errorf("dropdown of %s: %q, want %q (all: %v)", header, got, wantList, lists)
				}
			}

			requiredStyle := styleOf(t, f, "公司", col("公司名称")+"1")
			plainStyle := styleOf(t, f, "公司", col("备注")+"1")
			if requiredStyle.Font == nil || requiredStyle.Font.Color != "C00000" || plainStyle.Font.Color == "C00000" {
				t.Errorf("required header font %+v, plain %+v: want red for required only", requiredStyle.Font, plainStyle.Font)
			}
			if s := colStyle(t, f, col("服务开始时间")); s.CustomNumFmt == nil || *s.CustomNumFmt != "yyyy-mm-dd" {
				t.Errorf("date column style %+v, want yyyy-mm-dd", s)
			}
			for _, h := range []string{"公司ID", "服务账号"} {
				if s := colStyle(t, f, col(h)); s.NumFmt != 49 {
					t.Errorf("%s column number format %d, want 49 (text)", h, s.NumFmt)
				}
			}
			panes, err := f.GetPanes("公司")
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("panes %+v, %v: want the header frozen", panes, err)
			}
		})
	}
}

func commentText(c excelize.Comment) string {
	if c.Text != "" {
		return c.Text
	}
	var b strings.Builder
	for _, r := range c.Paragraph {
		b.WriteString(r.Text)
	}
	return b.String()
}

func styleOf(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func colStyle(t *testing.T, f *excelize.File, col string) *excelize.Style {
	t.Helper()
	id, err := f.GetColStyle("公司", col)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLongListOnHiddenSheet: a list longer than Excel's inline limit, or with a comma in a
// value, is referenced from a hidden sheet.
func TestLongListOnHiddenSheet(t *testing.T) {
	var values []string
	for i := range 80 {
		values = append(values, fmt.Sprintf("行业分类%02d", i))
	}
	y := fmt.Sprintf(`version: 1
columns:
  - header: 公司名称
    field: companyName
    required: true
  - header: 行业
    field: custom.field_9
    values: [%s]
  - header: 地区
    field: custom.field_8
    values: ["华北,华东", 华南]
`, strings.Join(values, ", "))
	m, err := mapping.Parse("long.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Build(m, lang.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lists := ListsSheetName(lang.Chinese)
	if visible, err := f.GetSheetVisible(lists); err != nil || visible {
		t.Errorf("lists sheet visible %v, %v; want hidden", visible, err)
	}
	if f.GetSheetName(0) != "公司" {
		t.Errorf("the first sheet is %q: the importer reads the first sheet", f.GetSheetName(0))
	}
	dvs, _ := f.GetDataValidations("公司")
	want := map[string]string{"B2": "'下拉选项'!$A$1:$A$80", "C2": "'下拉选项'!$B$1:$B$2"}
	for _, dv := range dvs {
		cell := strings.SplitN(dv.Sqref, ":", 2)[0]
		if got := strings.TrimPrefix(dv.Formula1, "="); got != want[cell] {
			t.Errorf("validation of %s refers to %q, want %q", cell, got, want[cell])
		}
		delete(want, cell)
	}
	if len(want) > 0 {
		t.Errorf("no validation for %v", want)
	}
	if v, _ := f.GetCellValue(lists, "A80"); v != "行业分类79" {
		t.Errorf("lists A80 = %q", v)
	}
	if v, _ := f.GetCellValue(lists, "B1"); v != "华北,华东" {
		t.Errorf("lists B1 = %q", v)
	}
}

// TestFilledTemplateImports fills a template as a person would in Excel (dates typed as
// dates, numbers as numbers, picks from the dropdowns) and imports it with the same mapping.
func TestFilledTemplateImports(t *testing.T) {
	m := sampleMapping(t)
	path := filepath.Join(t.TempDir(), "filled.xlsx")
	if err := Write(path, m, lang.Chinese); err != nil {
		t.Fatal(err)
	}
	f := open(t, path)
	values := map[string]any{
		"companyName": "填表测试有限公司", "servicestarttime": time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		"serviceendtime": "2025/2/28", "userURL": "www.example.com", "serveNote": "从模板导入",
		"serviceCharge": 1234.5, "serviceaccount": "template_01", "address": "北京市海淀区中关村大街1号",
		"userGroup": 2, "tableName": "VIP，华北", "province": "北京市", "city": "海淀区", "status": "未删除",
		"service_groupid": "1,4", "custom.field_1": "北京市/海淀区", "custom.field_2": "重要", "custom.field_3": "是",
		"custom.gjfx": "4672422", "custom.expect_time": time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
		"custom.products": "工单系统,知识库",
	}
	for i, c := range Columns(m) {
		for row := 2; row <= 3; row++ {
			v, ok := values[c.Field]
			if !ok {
				continue
			}
			if c.Field == "serviceaccount" || c.Field == "companyName" {
				v = fmt.Sprint(v, row)
			}
			if err := f.SetCellValue("公司", fmt.Sprintf("%s%d", mapping.ColumnLetter(i), row), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}

	srv := sandboxtest.NewServer(t)
	api, err := bangwo8.NewClient(srv.URL, bangwo8.WithBasicAuth(srv.Account, srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	var problems strings.Builder
	sum, err := importer.Import(context.Background(), api, path, m, importer.Options{Problems: &problems})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 2 || sum.Invalid != 0 || sum.Failed != 0 {
		t.Fatalf("import of a filled template: %+v\n%s", sum, problems.String())
	}
	var got []bangwo8.Company
	for c, err := range api.AllCompanies(context.Background(), bangwo8.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	if len(got) != 2 || got[0].ServiceStartTime != "2024-03-01" || got[0].ServiceCharge != "1234.50" {
		t.Errorf("imported %+v", got)
	}
}

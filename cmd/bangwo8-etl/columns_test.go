package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// wideCSV writes a sheet of the import's columns followed by extra ones up to cols, in rows
// rows (every third one invalid: no 服务账号).
func wideCSV(e *importEnv, name string, cols, rows int) string {
	e.t.Helper()
	header := append([]string(nil), importHeader...)
	for i := len(header); i < cols; i++ {
		header = append(header, fmt.Sprintf("列%d", i+1))
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	for r := range rows {
		row := make([]string, cols)
		row[0], row[1] = fmt.Sprintf("宽表公司%d", r), fmt.Sprintf("wide-%d", r)
		if r%3 == 0 {
			row[1] = ""
		}
		for i := len(importHeader); i < cols; i++ {
			row[i] = fmt.Sprintf("v%d", i)
		}
		_ = w.Write(row)
	}
	w.Flush()
	return e.write(name, b.Bytes())
}

// TestValidateReportOf4000Columns: a workbook report of a sheet of 4,000 columns is written
// with every column and its width (one setting per run of widths; excelize's setting per
// column took half a minute here); a sheet too wide for the report's three extra columns is
// refused in words, without a partial report.
func TestValidateReportOf4000Columns(t *testing.T) {
	e := newImportEnv(t)
	in := wideCSV(e, "wide.csv", 4000, 9)
	report := e.path("wide-report.xlsx")
	began := time.Now()
	code, _, stderr := e.run(context.Background(), "validate", "--in", in, "--mapping", e.mappingPth, "--report", report)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d (rows without 服务账号)\n%s", code, exitPartial, stderr)
	}
	t.Logf("validate --report of 4,000 columns: %v", time.Since(began))
	f, err := excelize.OpenFile(report)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 10 || len(rows[0]) != 4003 || rows[0][3999] != "列4000" {
		t.Fatalf("report has %d rows, a header of %d cells (want 10 and 4,003 ending in 列4000)", len(rows), len(rows[0]))
	}
	def, _ := f.GetColWidth(sheet, "XFD")             // a column without a width of its own
	for _, n := range []int{1, 2, 4000, 4001, 4002} { // the input's first and last, status, problems
		col, _ := excelize.ColumnNumberToName(n)
		w, err := f.GetColWidth(sheet, col)
		if err != nil || w == def {
			t.Errorf("column %s: width %v, %v; want one set by the report", col, w, err)
		}
	}

	tooWide := wideCSV(e, "too-wide.csv", excelize.MaxColumns, 2)
	code, _, stderr = e.run(context.Background(), "validate", "--in", tooWide, "--mapping", e.mappingPth, "--report", e.path("too-wide.xlsx"))
	if code != exitFailed || !strings.Contains(stderr, "write a CSV report instead") {
		t.Errorf("a report of 16,384 + 3 columns: exit %d\n%s", code, stderr)
	}
	if _, err := excelize.OpenFile(e.path("too-wide.xlsx")); err == nil {
		t.Error("a refused report was written")
	}
	des, _ := os.ReadDir(e.dir)
	for _, de := range des {
		if strings.Contains(de.Name(), "too-wide.xlsx") {
			t.Errorf("the refused report left %s", de.Name())
		}
	}
}

// TestExport4000CustomKeys: an export of companies carrying 4,000 custom field keys has a
// column and a width for each.
func TestExport4000CustomKeys(t *testing.T) {
	const keys = 4000
	type cf struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	type co struct {
		UID          int    `json:"uId"`
		CompanyName  string `json:"companyName"`
		CustomFields []cf   `json:"custom_fields"`
	}
	var fixtures struct {
		Companies []co `json:"companies"`
	}
	for id := 1; id <= 3; id++ {
		c := co{UID: id, CompanyName: fmt.Sprintf("公司%d", id)}
		for k := range keys {
			c.CustomFields = append(c.CustomFields, cf{Key: fmt.Sprintf("field_%d", k+1), Value: fmt.Sprintf("值%d-%d", id, k)})
		}
		fixtures.Companies = append(fixtures.Companies, c)
	}
	data, err := json.Marshal(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	e := newExportEnv(t, sandboxtest.WithFixtures(data))
	out := e.path("wide.xlsx")
	began := time.Now()
	e.export("--out", out)
	t.Logf("export of 4,000 custom keys: %v", time.Since(began))
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("公司")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || len(rows[0]) < keys || rows[0][len(rows[0])-1] != "field_4000" || rows[3][len(rows[3])-1] != "值3-3999" {
		t.Fatalf("%d rows, header of %d cells ending %q", len(rows), len(rows[0]), rows[0][len(rows[0])-1])
	}
	last, _ := excelize.ColumnNumberToName(len(rows[0]))
	def, _ := f.GetColWidth("公司", "XFD")
	for _, col := range []string{"A", last} {
		if w, err := f.GetColWidth("公司", col); err != nil || w == def {
			t.Errorf("column %s: width %v, %v; want one set by the export", col, w, err)
		}
	}
}

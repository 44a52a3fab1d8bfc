package sheet

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// testMapping maps a few fields of every kind; match is the match key ("" for none).
func testMapping(t testing.TB, match string) *mapping.Mapping {
	t.Helper()
	y := "version: 1\n"
	if match != "" {
		y += "match: " + match + "\n"
	}
	y += `columns:
  - header: 公司ID
    field: uId
  - header: 公司名称
    field: companyName
    required: true
  - header: 服务账号
    field: serviceaccount
  - header: 服务开始时间
    field: servicestarttime
    type: date
  - header: 服务费余额
    field: serviceCharge
    type: decimal
  - header: 服务密码
    field: servicepassword
    empty: keep
  - header: 区域
    field: custom.field_1
    type: cascade
`
	m, err := mapping.Parse("test.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var testHeader = []string{"公司ID", "公司名称", "服务账号", "服务开始时间", "服务费余额", "服务密码", "区域"}

// writeXLSX writes rows (header first) to sheet of a new workbook.
func writeXLSX(t testing.TB, path, sheet string, rows [][]any, date1904 bool) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "" && sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	} else {
		sheet = "Sheet1"
	}
	if date1904 {
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: boolPtr(true)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
		for j, v := range r {
			d, ok := v.(dated)
			if !ok {
				continue
			}
			style, err := f.NewStyle(&excelize.Style{NumFmt: d.numFmt, CustomNumFmt: d.custom})
			if err != nil {
				t.Fatal(err)
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellFloat(sheet, cell, d.serial, -1, 64); err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func boolPtr(b bool) *bool { return &b }

// dated is a number cell with a date format, as a spreadsheet program stores a date: a
// built-in format (numFmt) or a custom code.
type dated struct {
	serial float64
	numFmt int
	custom *string
}

func customFormat(code string) *string { return &code }

// writeCSV writes rows in enc: "utf8", "utf8-bom" or "gbk".
func writeCSV(t testing.TB, path string, rows [][]string, enc string) {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	data := []byte(b.String())
	switch enc {
	case "utf8-bom":
		data = append([]byte("\uFEFF"), data...)
	case "gbk":
		var err error
		data, err = simplifiedchinese.GBK.NewEncoder().Bytes(data)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func tempPath(t testing.TB, name string) string { return filepath.Join(t.TempDir(), name) }

func writeBytes(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }

// writeBigXLSX streams n rows of the test mapping's columns into a workbook.
func writeBigXLSX(b *testing.B, path string, n int) {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	row := make([]any, len(testHeader))
	for i, h := range testHeader {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		row = []any{"", fmt.Sprintf("公司%07d", i), fmt.Sprintf("acc-%07d", i), 42736 + i%3000, float64(i%1000) / 4, "", "北京市/海淀区"}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

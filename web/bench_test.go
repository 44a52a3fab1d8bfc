package web

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/samples"
)

// workbook writes a workbook of n rows of the full sample mapping's columns, every tenth
// with an impossible date.
func workbook(b testing.TB, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"公司名称", "服务账号", "服务开始时间", "公司网址", "服务费余额"})
	for i := 1; i <= n; i++ {
		date := "2023-02-28"
		if i%10 == 0 {
			date = "2023-02-30"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		sw.SetRow(cell, []any{fmt.Sprintf("公司%05d", i), fmt.Sprintf("acct_%05d", i), date, "https://example.com", "12.5"})
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkGrid5000 measures what a person waits for with a sheet of 5,000 rows: the upload
// and check, a page of the grid, and a fix in place (the workbook rewritten and checked again).
func BenchmarkGrid5000(b *testing.B) {
	data := workbook(b, 5000)
	c := newConsole(b)
	hc := c.browser()
	var upload, page, fix time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		var g gridPage
		if got := c.upload(hc, "big.xlsx", data, samples.Mapping, &g); got != http.StatusOK || g.Total != 5000 || g.Bad != 500 {
			b.Fatalf("upload: %d, %d rows, %d bad", got, g.Total, g.Bad)
		}
		upload += time.Since(start)
		start = time.Now()
		var later gridPage
		if got := c.do(hc, http.MethodGet, "/api/imports/"+g.ID+"/rows?page=30", nil, "", &later); got != http.StatusOK || later.Page != 30 {
			b.Fatal(got)
		}
		page += time.Since(start)
		start = time.Now()
		row := g.Rows[0] // the first page: the rows with problems
		if got := c.postJSON(hc, "/api/imports/"+g.ID+"/fix", fixRequest{Row: row.Row, Col: 2, Value: "2023-03-01"}, &g); got != http.StatusOK || g.Bad != 499 {
			b.Fatalf("fix: %d, %d bad", got, g.Bad)
		}
		fix += time.Since(start)
	}
	n := time.Duration(b.N)
	b.ReportMetric(float64((upload / n).Milliseconds()), "upload-ms")
	b.ReportMetric(float64((page/n).Microseconds())/1000, "page-ms")
	b.ReportMetric(float64((fix / n).Milliseconds()), "fix-ms")
}

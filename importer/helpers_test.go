package importer

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
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

// fixtures are three companies the tests update.
const fixtures = `{"companies": [
 {"uId": 101, "companyName": "甲公司", "serviceaccount": "acc-1", "servicestarttime": "2017-01-01", "serviceCharge": "10.00"},
 {"uId": 102, "companyName": "乙公司", "serviceaccount": "acc-2", "servicestarttime": "2018-05-06", "serviceCharge": "0.00",
  "custom_fields": [{"key": "field_1", "value": ["北京市", "海淀区"]}]},
 {"uId": 103, "companyName": "丙公司", "serviceaccount": "acc-3"}
]}`

// counter counts the writes (POST and PUT) a sandbox receives.
type counter struct{ posts, puts atomic.Int64 }

func (c *counter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			c.posts.Add(1)
		case http.MethodPut:
			c.puts.Add(1)
		}
		next.ServeHTTP(w, r)
	})
}

func newSandbox(t testing.TB, opts ...sandboxtest.Option) (*sandboxtest.Server, *bangwo8.Client, *counter) {
	t.Helper()
	cnt := &counter{}
	opts = append(opts, sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append([]func(http.Handler) http.Handler{cnt.middleware}, c.Middleware...)
	}))
	ts := sandboxtest.NewServer(t, opts...)
	c, err := bangwo8.NewClient(ts.URL, bangwo8.WithBasicAuth(ts.Account, ts.Password))
	if err != nil {
		t.Fatal(err)
	}
	return ts, c, cnt
}

// all returns every company of the sandbox, deleted ones included, by uId.
func all(t testing.TB, c *bangwo8.Client) map[int64]bangwo8.Company {
	t.Helper()
	out := map[int64]bangwo8.Company{}
	for co, err := range c.AllCompanies(context.Background(), bangwo8.ListOptions{IncludeDeleted: true, PerPage: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		out[co.UID] = co
	}
	return out
}

func byAccount(t testing.TB, c *bangwo8.Client) map[string][]bangwo8.Company {
	t.Helper()
	out := map[string][]bangwo8.Company{}
	for _, co := range all(t, c) {
		out[co.ServiceAccount] = append(out[co.ServiceAccount], co)
	}
	return out
}

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
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func boolPtr(b bool) *bool { return &b }

func strRows(rows [][]string) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		for _, c := range r {
			out[i] = append(out[i], c)
		}
	}
	return out
}

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

// readReport reads a CSV report.
func readReport(t testing.TB, path string) []report.Row {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.TrimPrefix(string(data), "\uFEFF"))
	recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []report.Row
	for _, r := range recs[1:] {
		var row int
		fmt.Sscan(r[0], &row)
		action, ok := lang.ActionOf(r[1])
		if !ok {
			t.Fatalf("report %s: status %q", path, r[1])
		}
		out = append(out, report.Row{Row: row, Action: report.Action(action), UID: r[2], Key: r[3], Changed: r[4], Rule: r[5], Error: r[6], Note: r[7]})
	}
	return out
}

func tempPath(t testing.TB, name string) string { return filepath.Join(t.TempDir(), name) }

func writeBytes(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }

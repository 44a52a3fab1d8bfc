package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/samples"
)

func TestBuilderSuggestsAndBuildsAMappingForTheSheet(t *testing.T) {
	c := newConsole(t)
	hc := c.browser()
	csv := []byte("2024 年客户名单,,,\n公司名称,服务帐号,公司网址,内部编号\n甲公司,jia_01,https://jia.example.com,7\n乙公司,yi_02,,8\n")
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "ours.csv")
	fw.Write(csv)
	mw.WriteField("mapping", samples.Mapping)
	mw.Close()
	var a builderAnswer
	if got := c.do(hc, http.MethodPost, "/api/builder/suggest", &b, mw.FormDataContentType(), &a); got != http.StatusOK {
		t.Fatalf("suggest: %d", got)
	}
	want := map[string]string{"公司名称": "companyName", "服务帐号": "serviceaccount", "公司网址": "userURL", "内部编号": ""}
	if len(a.Columns) != 4 {
		t.Fatalf("columns %+v", a.Columns)
	}
	for _, col := range a.Columns {
		if want[col.Header] != col.Field {
			t.Errorf("%s (%s): suggested %q; want %q", col.Header, col.Letter, col.Field, want[col.Header])
		}
	}
	var saved map[string]string
	if got := c.postJSON(hc, "/api/builder/save", builderRequest{Base: samples.Mapping, Name: "ours", Columns: a.Columns}, &saved); got != http.StatusOK {
		t.Fatalf("save: %d", got)
	}
	y := saved["yaml"]
	if saved["name"] != "ours.yaml" || !strings.Contains(y, `header: "服务帐号"`) || !strings.Contains(y, "match: serviceaccount") ||
		!strings.Contains(y, "pattern: '[A-Za-z0-9_.@-]+'") || strings.Contains(y, "内部编号") || strings.Contains(y, "服务开始时间") {
		t.Errorf("the mapping built:\n%s", y)
	}
	// The sheet now reads with it, by the base's rules.
	var g gridPage
	if got := c.upload(hc, "ours.csv", csv, "ours.yaml", &g); got != http.StatusOK || g.Total != 2 || g.Bad != 0 {
		t.Fatalf("upload with the built mapping: %d, %+v", got, g)
	}
	bad := []byte("公司名称,服务帐号,公司网址\n丙公司,有 空格,not a url\n")
	if got := c.upload(hc, "bad.csv", bad, "ours.yaml", &g); got != http.StatusOK || g.Bad != 1 || len(g.Rows[0].Bad) != 2 {
		t.Errorf("the base's rules under the new headers: %d, %+v", got, g.Rows)
	}
	res, err := hc.Get(c.srv.URL + "/api/mappings/ours.yaml/yaml")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != y || !strings.Contains(res.Header.Get("Content-Disposition"), "ours.yaml") {
		t.Errorf("download: %s %q", res.Status, res.Header.Get("Content-Disposition"))
	}
	if got := c.postJSON(hc, "/api/builder/save", builderRequest{Base: samples.Mapping, Columns: []builderColumn{{Header: "x"}}}, &saved); got != http.StatusBadRequest {
		t.Errorf("a mapping of no column: %d; want 400", got)
	}
}

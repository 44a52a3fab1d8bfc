package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/extension"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// assetFixtures: two companies, a table of devices owned by companies and by a contact, and a
// second table to tell tableId from tableName.
const assetFixtures = `{
 "companies": [
  {"uId": 1000001, "companyName": "甲公司", "custom_fields": [{"key": "company_note", "value": "keep me"}]},
  {"uId": 1000002, "companyName": "乙公司"}
 ],
 "asset_tables": [
  {"id": 7, "name": "devices", "title": "设备",
   "fields": [{"key": "model", "title": "型号"}, {"key": "city", "title": "城市"}, {"key": "serial", "title": "序列号"}],
   "rows": [
    {"_id": 1, "ownerType": "company", "owner": "1000001", "model": "X200 Pro", "city": "北京", "serial": "S-1"},
    {"_id": 2, "ownerType": "company", "owner": 10000011, "model": "x200", "city": "上海", "serial": "S-2"},
    {"_id": 3, "ownerType": "contacter", "owner": "501", "model": "Y300", "city": "北京", "serial": "S-3"},
    {"_id": 4, "ownerType": "company", "owner": "1000002", "model": "Z9", "city": "北京市", "serial": "S-4"},
    {"model": "X201", "city": "<b>广州</b>"}
   ]},
  {"id": 8, "name": "contracts", "title": "合同", "fields": [{"key": "no", "title": "合同号"}],
   "rows": [{"_id": 1, "ownerType": "company", "owner": "1000001", "no": "HT-1"}]}
 ]
}`

const pageCPara = "model:company_model,_id:company_asset"

func newAssetServer(t *testing.T) *sandboxtest.Server {
	t.Helper()
	return sandboxtest.NewServer(t, sandboxtest.WithFixtures([]byte(assetFixtures)))
}

// pageURL is the extension page with the given query parameters (name, value, ...).
func pageURL(ts *sandboxtest.Server, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return ts.URL + extension.PagePath + "?" + q.Encode()
}

func doPage(t *testing.T, ts *sandboxtest.Server, method, u string, form url.Values, accept string) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.SetBasicAuth(ts.Account, ts.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func pageJSONOf(t *testing.T, ts *sandboxtest.Server, kv ...string) sandbox.PageJSON {
	t.Helper()
	status, body := doPage(t, ts, http.MethodGet, pageURL(ts, append(kv, "format", "json")...), nil, "")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var v sandbox.PageJSON
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

func rowIDs(v sandbox.PageJSON) []string {
	var out []string
	for _, r := range v.Rows {
		out = append(out, r["_id"])
	}
	return out
}

func columnKeys(v sandbox.PageJSON) []string {
	var out []string
	for _, c := range v.Columns {
		out = append(out, c.Key)
	}
	return out
}

func TestExtensionPageJSON(t *testing.T) {
	ts := newAssetServer(t)
	tests := []struct {
		name    string
		kv      []string
		ids     []string
		columns []string
		owner   bool
		notes   int
	}{
		{"tableName, no filter, all columns", []string{"tableName", "devices", "cPara", pageCPara}, []string{"1", "2", "3", "4", "5"}, []string{"model", "city", "serial"}, false, 0},
		{"tableId only", []string{"tableId", "8", "cPara", "no:company_model"}, []string{"1"}, []string{"no"}, false, 0},
		{"both: tableName wins", []string{"tableId", "8", "tableName", "devices", "cPara", pageCPara}, []string{"1", "2", "3", "4", "5"}, []string{"model", "city", "serial"}, false, 0},
		{"company placeholder", []string{"tableName", "devices", "cPara", pageCPara, "filter", "ownerType:company,owner:{ {company.companyId} }", "companyId", "1000001"}, []string{"1"}, []string{"model", "city", "serial"}, true, 0},
		{"empty placeholder: all rows", []string{"tableName", "devices", "cPara", pageCPara, "filter", "ownerType:company,owner:{{company.companyId}}"}, []string{"1", "2", "3", "4", "5"}, []string{"model", "city", "serial"}, false, 1},
		{"contact placeholder", []string{"tableName", "devices", "cPara", pageCPara, "filter", "ownerType:contacter,owner:{{user.cId}}", "companyId", "1000001", "cId", "501"}, []string{"3"}, []string{"model", "city", "serial"}, true, 0},
		{"literal owner", []string{"tableName", "devices", "cPara", pageCPara, "filter", "ownerType:company,owner:1000002"}, []string{"4"}, []string{"model", "city", "serial"}, true, 0},
		{"owner without ownerType: all rows", []string{"tableName", "devices", "cPara", pageCPara, "filter", "owner:1000002"}, []string{"1", "2", "3", "4", "5"}, []string{"model", "city", "serial"}, false, 1},
		{"fuzzy filter", []string{"tableName", "devices", "cPara", pageCPara, "filter", "model:X20"}, []string{"1", "2", "5"}, []string{"model", "city", "serial"}, false, 0},
		{"display", []string{"tableName", "devices", "cPara", pageCPara, "display", "serial,model"}, []string{"1", "2", "3", "4", "5"}, []string{"serial", "model"}, false, 0},
		{"display unknown column noted", []string{"tableName", "devices", "cPara", pageCPara, "display", "model,color"}, []string{"1", "2", "3", "4", "5"}, []string{"model"}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := pageJSONOf(t, ts, tt.kv...)
			if got := rowIDs(v); !slices.Equal(got, tt.ids) {
				t.Errorf("rows %v, want %v", got, tt.ids)
			}
			if got := columnKeys(v); !slices.Equal(got, tt.columns) {
				t.Errorf("columns %v, want %v", got, tt.columns)
			}
			if (v.Owner != nil) != tt.owner || len(v.Notes) != tt.notes || v.Count != len(tt.ids) {
				t.Errorf("owner %v notes %v count %d", v.Owner, v.Notes, v.Count)
			}
		})
	}
	// Accept: application/json works like format=json.
	status, body := doPage(t, ts, http.MethodGet, pageURL(ts, "tableName", "devices", "cPara", pageCPara), nil, "application/json")
	if status != http.StatusOK || !strings.HasPrefix(body, "{") {
		t.Fatalf("Accept json: %d %s", status, body)
	}
}

func TestExtensionPageErrors(t *testing.T) {
	ts := newAssetServer(t)
	tests := []struct {
		name   string
		kv     []string
		status int
		want   string
	}{
		{"no table", []string{"cPara", pageCPara}, 400, "tableId or tableName is required"},
		{"no cPara", []string{"tableName", "devices"}, 400, "cPara is required"},
		{"bad ownerType", []string{"tableName", "devices", "cPara", pageCPara, "filter", "ownerType:x"}, 400, "ownerType must be contacter or company"},
		{"unknown tableName", []string{"tableId", "7", "tableName", "nope", "cPara", pageCPara}, 404, `name \"nope\"`},
		{"unknown tableId", []string{"tableId", "99", "cPara", pageCPara}, 404, "id 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := doPage(t, ts, http.MethodGet, pageURL(ts, append(tt.kv, "format", "json")...), nil, "")
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("%d %s", status, body)
			}
		})
	}
	// Without credentials: 401 with a challenge, so a browser asks.
	resp, err := http.Get(pageURL(ts, "tableName", "devices", "cPara", pageCPara))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no auth: %d", resp.StatusCode)
	}
}

var (
	thRE = regexp.MustCompile(`<th data-key="([^"]+)">([^<]*)</th>`)
	trRE = regexp.MustCompile(`<tr data-id="([^"]+)">`)
)

func TestExtensionPageHTML(t *testing.T) {
	ts := newAssetServer(t)
	status, body := doPage(t, ts, http.MethodGet, pageURL(ts, "tableName", "devices", "cPara", pageCPara,
		"display", "model,city", "filter", "city:北京"), nil, "")
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var heads []string
	for _, m := range thRE.FindAllStringSubmatch(body, -1) {
		heads = append(heads, m[1]+"="+m[2])
	}
	if !slices.Equal(heads, []string{"model=型号", "city=城市"}) {
		t.Errorf("headers %v", heads)
	}
	var ids []string
	for _, m := range trRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	if !slices.Equal(ids, []string{"1", "3", "4"}) {
		t.Errorf("rows %v", ids)
	}
	if strings.Contains(body, "S-1") || strings.Contains(body, "<form") {
		t.Errorf("a hidden column or a pick form without companyId:\n%s", body)
	}
	// With a company: a pick form per row; values are escaped.
	_, body = doPage(t, ts, http.MethodGet, pageURL(ts, "tableName", "devices", "cPara", pageCPara, "companyId", "1000001"), nil, "")
	if n := strings.Count(body, `<form method="post"`); n != 5 {
		t.Errorf("%d forms", n)
	}
	if !strings.Contains(body, "&lt;b&gt;广州&lt;/b&gt;") {
		t.Errorf("value not escaped:\n%s", body)
	}
}

func TestExtensionPagePick(t *testing.T) {
	ts := newAssetServer(t)
	u := pageURL(ts, "tableName", "devices", "cPara", pageCPara, "filter", "ownerType:company,owner:{{company.companyId}}", "companyId", "1000001")
	status, body := doPage(t, ts, http.MethodPost, u, url.Values{"pick": {"1"}}, "")
	if status != 200 || !strings.Contains(body, `<p id="confirm" data-uid="1000001" data-asset-id="1">`) ||
		!strings.Contains(body, "company_model = X200 Pro") {
		t.Fatalf("%d %s", status, body)
	}
	got := customOf(t, ts, 1000001)
	want := map[string]string{"company_note": "keep me", "company_model": "X200 Pro", "company_asset": "1"}
	if !maps.Equal(got, want) {
		t.Fatalf("custom fields %v, want %v", got, want)
	}
	// A row the filter hides cannot be picked; nor can anything without a company.
	if status, body := doPage(t, ts, http.MethodPost, u, url.Values{"pick": {"4"}}, "application/json"); status != 404 || !strings.Contains(body, "not among the rows") {
		t.Fatalf("hidden row: %d %s", status, body)
	}
	noCompany := pageURL(ts, "tableName", "devices", "cPara", pageCPara)
	if status, _ := doPage(t, ts, http.MethodPost, noCompany, url.Values{"pick": {"4"}}, "application/json"); status != 400 {
		t.Fatalf("no companyId: %d", status)
	}
	if status, _ := doPage(t, ts, http.MethodPost, u, url.Values{}, "application/json"); status != 400 {
		t.Fatalf("no pick: %d", status)
	}
	unknown := pageURL(ts, "tableName", "devices", "cPara", pageCPara, "companyId", "1000009")
	if status, _ := doPage(t, ts, http.MethodPost, unknown, url.Values{"pick": {"4"}}, "application/json"); status != 404 {
		t.Fatalf("unknown company: %d", status)
	}
	// JSON pick of another company.
	u2 := pageURL(ts, "tableName", "devices", "cPara", pageCPara, "companyId", "1000002", "format", "json")
	status, body = doPage(t, ts, http.MethodPost, u2, url.Values{"pick": {"4"}}, "")
	var pj sandbox.PickJSON
	if status != 200 || json.Unmarshal([]byte(body), &pj) != nil || pj.UID != 1000002 || len(pj.Assigned) != 2 || pj.Assigned[0].Value != "Z9" {
		t.Fatalf("%d %s", status, body)
	}
	if got := customOf(t, ts, 1000002); !maps.Equal(got, map[string]string{"company_model": "Z9", "company_asset": "4"}) {
		t.Fatalf("custom fields %v", got)
	}
}

func customOf(t *testing.T, ts *sandboxtest.Server, uid int64) map[string]string {
	t.Helper()
	raw, err := ts.Store.CompanyJSON(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Custom []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"custom_fields"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range c.Custom {
		out[f.Key] = f.Value
	}
	return out
}

func TestAssetFixturesRefused(t *testing.T) {
	tests := []struct{ doc, want string }{
		{`{"asset_tables": [{"id": 0, "name": "a"}]}`, "id must be a positive number"},
		{`{"asset_tables": [{"id": 1}]}`, "name is required"},
		{`{"asset_tables": [{"id": 1, "name": "a"}, {"id": 1, "name": "b"}]}`, "id 1 is used twice"},
		{`{"asset_tables": [{"id": 1, "name": "a"}, {"id": 2, "name": "a"}]}`, `name "a" is used twice`},
		{`{"asset_tables": [{"id": 1, "name": "a", "fields": [{"key": "owner"}]}]}`, "reserved"},
		{`{"asset_tables": [{"id": 1, "name": "a", "rows": [{"color": "red"}]}]}`, `"color" is not a field`},
		{`{"asset_tables": [{"id": 1, "name": "a", "rows": [{"_id": 1}, {"_id": "01"}]}]}`, "_id 1 is used twice"},
		{`{"asset_tables": [{"id": 1, "name": "a", "rows": [{"_id": "x"}]}]}`, "_id must be a positive whole number"},
		{`{"asset_tables": [{"id": 1, "name": "a", "rows": [{"owner": [1]}]}]}`, "must be a string or a number"},
		{`{"asset_tables": {"id": 1}}`, "asset_tables must be a list"},
	}
	for _, tt := range tests {
		store, err := sandbox.OpenStore(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		err = store.LoadFixtures(context.Background(), strings.NewReader(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.doc, err, tt.want)
		}
		store.Close()
	}
}

// TestAssetFixturesTwiceAndPersisted loads the same asset tables twice into a file, then
// serves that file: each table is there once, with its rows as written (a numeric owner kept
// as its digits, a row without _id given the next one).
func TestAssetFixturesTwiceAndPersisted(t *testing.T) {
	path := t.TempDir() + "/s.db"
	ctx := context.Background()
	for range 2 {
		store, err := sandbox.OpenStore(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.LoadFixtures(ctx, bytes.NewReader([]byte(assetFixtures))); err != nil {
			t.Fatal(err)
		}
		store.Close()
	}
	ts := sandboxtest.NewServer(t, sandboxtest.WithDB(path))
	v := pageJSONOf(t, ts, "tableId", "7", "cPara", pageCPara)
	if v.Table.Name != "devices" || !slices.Equal(columnKeys(v), []string{"model", "city", "serial"}) ||
		!slices.Equal(rowIDs(v), []string{"1", "2", "3", "4", "5"}) {
		t.Fatalf("table %q columns %v rows %v", v.Table.Name, columnKeys(v), rowIDs(v))
	}
	v = pageJSONOf(t, ts, "tableId", "7", "cPara", pageCPara, "filter", "ownerType:company,owner:{ {company.companyId} }", "companyId", "10000011")
	if !slices.Equal(rowIDs(v), []string{"2"}) {
		t.Fatalf("rows owned by company 10000011: %v", rowIDs(v))
	}
}

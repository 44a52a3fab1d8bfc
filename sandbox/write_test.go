package sandbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func TestCreate(t *testing.T) {
	ts := newFixtureServer(t)
	body := `{"company": {"companyName": "测试公司API", "userGroup": "7", "status": "1",
		"servicestarttime": "2024-02-29", "serviceCharge": "12.5", "province": "湖北", "city": "武汉",
		"custom_fields": [{"key": "field_1", "value": "华中"}, {"key": "field_3", "value": "是"},
			{"key": "field_9", "value": ["北京市", "二级1"]}, {"key": "expect_time", "value": 20240101},
			{"key": "multi", "value": []}]}}`
	r := call(t, ts, "POST", "/api/v1/companies.json", body).wantStatus(t, http.StatusOK)
	c := r.company(t)
	if c.uid() != 17 {
		t.Errorf("uId %d, want 17, the next after the largest", c.uid())
	}
	if loc := r.header.Get("Location"); loc != ts.URL+"/api/v1/companies/17.json" || c["url"] != loc {
		t.Errorf("Location %q, url %v", loc, c["url"])
	}
	want := company{
		"uId": 17.0, "url": ts.URL + "/api/v1/companies/17.json", "companyName": "测试公司API",
		"province": "湖北", "city": "武汉", "supportId": 0.0, "servicestarttime": "2024-02-29",
		"serviceendtime": "0000-00-00", "serviceCharge": "12.50", "serviceaccount": "", "servicepassword": "",
		"address": "", "userURL": "", "serveNote": "", "multiServiceList": "", "service_groupid": "",
		"createDT": "2024-05-06 07:08:09", "updateDT": "2024-05-06 07:08:09", "tableName": "",
		"custom_fields": []any{
			map[string]any{"key": "field_1", "value": "华中"},
			map[string]any{"key": "field_3", "value": "是"},
			map[string]any{"key": "field_9", "value": []any{"北京市", "二级1"}},
			map[string]any{"key": "expect_time", "value": "20240101"},
			map[string]any{"key": "multi", "value": []any{}},
		},
		"userGroup": 7.0, "status": 1.0, "solveDT": "", "waitDT": "", "openDT": "", "closeDT": "",
	}
	if !jsonEqual(t, c, want) {
		t.Errorf("created\n%v\nwant\n%v", c, want)
	}
	// What the store holds is what was answered, without url.
	raw, err := ts.Store.CompanyJSON(context.Background(), 17)
	if err != nil {
		t.Fatal(err)
	}
	var stored company
	if err := json.Unmarshal(raw, &stored); err != nil {
		t.Fatal(err)
	}
	delete(want, "url")
	if !jsonEqual(t, stored, want) {
		t.Errorf("stored %s", raw)
	}
	got := call(t, ts, "GET", "/api/v1/companies/17.json", nil).wantStatus(t, 200).company(t)
	if !jsonEqual(t, got, c) {
		t.Errorf("GET after create %v, want %v", got, c)
	}
}

func jsonEqual(t testing.TB, a, b any) bool {
	t.Helper()
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return string(ja) == string(jb)
}

func TestCreateAndUpdateRefuseBadCompanies(t *testing.T) {
	tests := []struct {
		name, body string
		fields     []string // the fields details must name
	}{
		{"empty name", `{"company": {"companyName": ""}}`, []string{"companyName"}},
		{"blank name", `{"company": {"companyName": "   "}}`, []string{"companyName"}},
		{"uId", `{"company": {"companyName": "a", "uId": 5}}`, []string{"uId"}},
		{"url", `{"company": {"companyName": "a", "url": "x"}}`, []string{"url"}},
		{"supportId", `{"company": {"companyName": "a", "supportId": 0}}`, []string{"supportId"}},
		{"createDT", `{"company": {"companyName": "a", "createDT": "2020-01-01 00:00:00"}}`, []string{"createDT"}},
		{"updateDT", `{"company": {"companyName": "a", "updateDT": "2020-01-01 00:00:00"}}`, []string{"updateDT"}},
		{"undocumented read-only", `{"company": {"companyName": "a", "solveDT": ""}}`, []string{"solveDT"}},
		{"no such day", `{"company": {"companyName": "a", "servicestarttime": "2023-02-29"}}`, []string{"servicestarttime"}},
		{"slashes", `{"company": {"companyName": "a", "serviceendtime": "2023/01/01"}}`, []string{"serviceendtime"}},
		{"date number", `{"company": {"companyName": "a", "serviceendtime": 20230101}}`, []string{"serviceendtime"}},
		{"status 3", `{"company": {"companyName": "a", "status": 3}}`, []string{"status"}},
		{"status text", `{"company": {"companyName": "a", "status": "deleted"}}`, []string{"status"}},
		{"userGroup text", `{"company": {"companyName": "a", "userGroup": "abc"}}`, []string{"userGroup"}},
		{"userGroup float", `{"company": {"companyName": "a", "userGroup": 1.5}}`, []string{"userGroup"}},
		{"charge", `{"company": {"companyName": "a", "serviceCharge": "1.234"}}`, []string{"serviceCharge"}},
		{"name object", `{"company": {"companyName": {"x": 1}}}`, []string{"companyName"}},
		{"unknown field", `{"company": {"companyName": "a", "colour": "red"}}`, []string{"colour"}},
		{"custom not array", `{"company": {"companyName": "a", "custom_fields": {"key": "f"}}}`, []string{"custom_fields"}},
		{"custom no key", `{"company": {"companyName": "a", "custom_fields": [{"value": "x"}]}}`, []string{"custom_fields"}},
		{"custom object value", `{"company": {"companyName": "a", "custom_fields": [{"key": "f", "value": {"a": 1}}]}}`, []string{"custom_fields"}},
		{"several", `{"company": {"companyName": "", "uId": 1, "status": 0}}`, []string{"companyName", "status", "uId"}},
	}
	ts := newFixtureServer(t)
	before, _ := ts.Store.CompanyJSON(context.Background(), 11)
	for _, tt := range tests {
		for _, method := range []string{"POST", "PUT"} {
			path := "/api/v1/companies.json"
			if method == "PUT" {
				path = "/api/v1/companies/11.json"
			}
			t.Run(method+" "+tt.name, func(t *testing.T) {
				e := call(t, ts, method, path, tt.body).apiErr(t, http.StatusUnprocessableEntity, sandbox.CodeRecordInvalid)
				for _, f := range tt.fields {
					if len(e.Details[f]) == 0 {
						t.Errorf("details %v do not name %s", e.Details, f)
					}
				}
				if len(e.Details) != len(tt.fields) {
					t.Errorf("details %v, want only %v", e.Details, tt.fields)
				}
			})
		}
	}
	call(t, ts, "POST", "/api/v1/companies.json", `{"company": {"address": "x"}}`).apiErr(t, 422, sandbox.CodeRecordInvalid)
	if n, _ := ts.Store.Count(context.Background(), true); n != 6 {
		t.Errorf("%d companies after refused creates, want 6", n)
	}
	if after, _ := ts.Store.CompanyJSON(context.Background(), 11); string(after) != string(before) {
		t.Errorf("refused updates changed company 11:\n%s\n%s", before, after)
	}
}

func TestMalformedBodies(t *testing.T) {
	ts := newFixtureServer(t)
	for _, body := range []string{``, `{`, `{"company": }`, `[]`, `{"company": "x"}`, `{"company": null}`, `{"companyName": "a"}`, `{"company": [{"companyName": "a"}]}`} {
		for _, target := range [][2]string{{"POST", "/api/v1/companies.json"}, {"PUT", "/api/v1/companies/11.json"}} {
			call(t, ts, target[0], target[1], body).apiErr(t, http.StatusBadRequest, sandbox.CodeInvalidJSON)
		}
	}
}

func TestUpdateChangesOnlyTheGivenFields(t *testing.T) {
	now := fixedNow
	ts := newFixtureServer(t, sandboxtest.WithConfig(func(c *sandbox.Config) { c.Now = func() time.Time { return now } }))
	before := call(t, ts, "GET", "/api/v1/companies/11.json", nil).wantStatus(t, 200).company(t)
	now = time.Date(2024, 7, 1, 23, 30, 0, 0, time.UTC) // 2024-07-02 07:30:00 in China
	body := `{"company": {"companyName": "北京金万维科技有限公司（新）", "service_groupid": "344124,344214,344217",
		"userGroup": 0, "custom_fields": [{"key": "field_2", "value": "新值"}, {"key": "field_new", "value": ["a", "b"]}]}}`
	after := call(t, ts, "PUT", "/api/v1/companies/11.json", body).wantStatus(t, 200).company(t)

	want := company{}
	for k, v := range before {
		want[k] = v
	}
	want["companyName"] = "北京金万维科技有限公司（新）"
	want["service_groupid"] = "344124,344214,344217"
	want["userGroup"] = 0.0
	want["updateDT"] = "2024-07-02 07:30:00"
	want["custom_fields"] = []any{
		map[string]any{"key": "field_1", "value": []any{"北京市", "二级1", "三级1"}},
		map[string]any{"key": "field_2", "value": "新值"},
		map[string]any{"key": "fxk", "value": "是"},
		map[string]any{"key": "field_new", "value": []any{"a", "b"}},
	}
	if !jsonEqual(t, after, want) {
		t.Errorf("after PUT\n%v\nwant\n%v", after, want)
	}
	if got := call(t, ts, "GET", "/api/v1/companies/11.json", nil).company(t); !jsonEqual(t, got, want) {
		t.Errorf("GET after PUT %v", got)
	}
	// The new updateDT moves the company in updated filters.
	if got := listUIDs(t, ts, "/api/v1/companies.json?updated_start=2024-07-02"); !slices.Equal(got, []int64{11}) {
		t.Errorf("updated_start after PUT: %v", got)
	}
	call(t, ts, "PUT", "/api/v1/companies/999.json", `{"company": {"companyName": "x"}}`).apiErr(t, 404, sandbox.CodeRecordNotFound)
}

func TestSoftDelete(t *testing.T) {
	ts := newFixtureServer(t)
	call(t, ts, "PUT", "/api/v1/companies/13.json", `{"company": {"status": 2}}`).wantStatus(t, 200)
	if got := listUIDs(t, ts, "/api/v1/companies.json"); !slices.Equal(got, []int64{11, 12, 15, 16}) {
		t.Errorf("list after delete: %v", got)
	}
	if got := listUIDs(t, ts, "/api/v1/companies.json?deStat=1"); !slices.Equal(got, []int64{11, 12, 13, 14, 15, 16}) {
		t.Errorf("list deStat=1 after delete: %v", got)
	}
	var s sandbox.SearchPage
	call(t, ts, "GET", "/api/v1/companies/search.json?query=华信", nil).wantStatus(t, 200).decode(t, &s)
	if s.Count != 0 {
		t.Errorf("search finds a deleted company: %+v", s)
	}
	call(t, ts, "GET", "/api/v1/companies/search.json?query=华信&deStat=1", nil).wantStatus(t, 200).decode(t, &s)
	if s.Count != 1 {
		t.Errorf("search deStat=1 misses a deleted company: %+v", s)
	}
	// Undelete.
	call(t, ts, "PUT", "/api/v1/companies/13.json", `{"company": {"status": "1"}}`).wantStatus(t, 200)
	if n, _ := ts.Store.Count(context.Background(), false); n != 5 {
		t.Errorf("%d not deleted after undelete, want 5", n)
	}
}

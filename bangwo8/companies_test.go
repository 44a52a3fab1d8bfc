package bangwo8

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestGetCompanyEnvelopes(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantID  int64
		wantErr string
	}{
		{"object, string ids", `{"company": {"uId": "12352625", "companyName": "测试公司a", "userGroup": "", "supportId": "0"}}`, 12352625, ""},
		{"one-element array", `{"company": [{"uId": 7, "companyName": "a"}]}`, 7, ""},
		{"two-element array", `{"company": [{"uId": 7}, {"uId": 8}]}`, 0, "2 elements"},
		{"empty array", `{"company": []}`, 0, "0 elements"},
		{"null", `{"company": null}`, 0, `no "company"`},
		{"missing", `{"companies": []}`, 0, `no "company"`},
		{"bad field", `{"company": {"uId": "x"}}`, 0, "company field uId"},
		{"not JSON", `<html>hello</html>`, 0, `not what the call expects: invalid character '<' looking for beginning of value (body "<html>hello</html>")`},
		{"error body", `{"error": "NotFound", "description": "公司不存在"}`, 0, "200 OK: NotFound: 公司不存在"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, reply(200, tt.body))
			c, _ := newTestClient(t, ts)
			co, resp, err := c.GetCompany(context.Background(), 7)
			if got := ts.Requests()[0].Path; got != "/api/v1/companies/7.json" {
				t.Errorf("path = %q", got)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "/api/v1/companies/7.json") {
					t.Errorf("error %q does not name the call", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if co.UID != tt.wantID || resp.Attempts != 1 || resp.StatusCode != 200 {
				t.Errorf("company %d, attempts %d, status %d", co.UID, resp.Attempts, resp.StatusCode)
			}
		})
	}
}

func TestGetCompanyRejectsBadID(t *testing.T) {
	ts := newServer(t, reply(200, `{}`))
	c, _ := newTestClient(t, ts)
	if _, _, err := c.GetCompany(context.Background(), 0); err == nil {
		t.Error("GetCompany(0) succeeded")
	}
	if _, _, err := c.UpdateCompany(context.Background(), -1, CompanyInput{}); err == nil {
		t.Error("UpdateCompany(-1) succeeded")
	}
	if ts.Hits() != 0 {
		t.Error("a call with a bad id reached the server")
	}
}

func TestListCompaniesParameters(t *testing.T) {
	tests := []struct {
		name string
		opts *ListOptions
		want url.Values
	}{
		{"nil", nil, url.Values{}},
		{"zero", &ListOptions{}, url.Values{}},
		{"everything", &ListOptions{
			CreatedStart: "2024-01-01", CreatedEnd: "2024-01-31", UpdatedStart: "2024-02-01",
			UpdatedEnd: "2024-02-29", CreatedOrder: Desc, UpdatedOrder: Asc, IncludeDeleted: true,
			Page: 3, PerPage: 5000,
		}, url.Values{
			"created_start": {"2024-01-01"}, "created_end": {"2024-01-31"},
			"updated_start": {"2024-02-01"}, "updated_end": {"2024-02-29"},
			"created_order": {"desc"}, "updated_order": {"asc"}, "deStat": {"1"},
			"page": {"3"}, "per_page": {"5000"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, reply(200, `{"companies": [{"uId": "1"}, {"uId": 2}]}`))
			c, _ := newTestClient(t, ts)
			list, resp, err := c.ListCompanies(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			r := ts.Requests()[0]
			if r.Method != http.MethodGet || r.Path != "/api/v1/companies.json" {
				t.Errorf("%s %s", r.Method, r.Path)
			}
			if !reflect.DeepEqual(url.Values(r.Query), tt.want) {
				t.Errorf("query = %v, want %v", r.Query, tt.want)
			}
			if len(list) != 2 || list[0].UID != 1 || list[1].UID != 2 {
				t.Errorf("list = %+v", list)
			}
			if tt.opts == nil || tt.opts.Page == 0 {
				if resp.Page != 1 || resp.PerPage != DefaultPerPage {
					t.Errorf("resp page %d per page %d, want the defaults", resp.Page, resp.PerPage)
				}
			}
		})
	}
}

func TestListCompaniesRejectsBadOptions(t *testing.T) {
	tests := []struct {
		opts ListOptions
		want string
	}{
		{ListOptions{CreatedStart: "2024/01/01"}, `created_start "2024/01/01"`},
		{ListOptions{UpdatedEnd: "2024-02-30"}, "updated_end"},
		{ListOptions{CreatedOrder: "up"}, "created_order"},
		{ListOptions{UpdatedOrder: "DESC"}, "updated_order"},
		{ListOptions{Page: -1}, "page -1"},
		{ListOptions{PerPage: 10000}, "per_page 10000"},
	}
	ts := newServer(t, reply(200, `{"companies": []}`))
	c, _ := newTestClient(t, ts)
	for _, tt := range tests {
		_, _, err := c.ListCompanies(context.Background(), &tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error = %v, want %q", tt.opts, err, tt.want)
		}
	}
	if ts.Hits() != 0 {
		t.Errorf("bad options reached the server %d times", ts.Hits())
	}
}

// An empty list is [] or null under "companies"; an envelope without the key is not an empty
// list (an upsert would create every row again), and neither is an error in a 200.
func TestEmptyListShapes(t *testing.T) {
	for _, body := range []string{`{}`, `{"results": []}`, `{"error": "Forbidden", "description": "无权限"}`, `{"errcode": 40001, "errmsg": "bad"}`} {
		ts := newServer(t, reply(200, body))
		c, _ := newTestClient(t, ts)
		if list, _, err := c.ListCompanies(context.Background(), nil); err == nil {
			t.Errorf("%s: list %v, no error", body, list)
		}
		if list, _, err := c.ShowMany(context.Background(), []int64{1}); err == nil {
			t.Errorf("show many %s: list %v, no error", body, list)
		}
	}
	for _, body := range []string{`{"companies": []}`, `{"companies": null}`, `{"companies": [], "errcode": 0}`} {
		ts := newServer(t, reply(200, body))
		c, _ := newTestClient(t, ts)
		list, _, err := c.ListCompanies(context.Background(), nil)
		if err != nil || len(list) != 0 {
			t.Errorf("%s: list %v, error %v", body, list, err)
		}
		list, _, err = c.ShowMany(context.Background(), []int64{1})
		if err != nil || len(list) != 0 {
			t.Errorf("show many %s: list %v, error %v", body, list, err)
		}
	}
}

func TestShowMany(t *testing.T) {
	ts := newServer(t, reply(200, `{"companies": [{"uId": 1}, {"uId": "3"}]}`))
	c, _ := newTestClient(t, ts)
	list, _, err := c.ShowMany(context.Background(), []int64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	r := ts.Requests()[0]
	if r.Path != "/api/v1/companies/show_many.json" || r.Query["ids"][0] != "1,2,3" {
		t.Errorf("%s ids=%v", r.Path, r.Query["ids"])
	}
	if len(list) != 2 || list[1].UID != 3 {
		t.Errorf("list = %+v", list)
	}

	tooMany := make([]int64, MaxShowMany+1)
	for i := range tooMany {
		tooMany[i] = int64(i + 1)
	}
	for _, ids := range [][]int64{nil, tooMany, {1, 0}, {-5}} {
		if _, _, err := c.ShowMany(context.Background(), ids); err == nil {
			t.Errorf("ShowMany(%d ids) succeeded", len(ids))
		}
	}
	if ts.Hits() != 1 {
		t.Errorf("bad id lists reached the server")
	}
}

func TestCreateCompany(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		location string
		wantID   int64
	}{
		{"200 as the vendor says", 200, `{"company": {"uId": 11, "companyName": "测试公司API"}}`, "https://www.bangwo8.com/api/v1/companies/11.json", 11},
		{"201", 201, `{"company": {"uId": "12", "companyName": "测试公司API"}}`, "", 12},
		{"id only in Location", 200, `{"company": {"companyName": "测试公司API"}}`, "https://www.bangwo8.com/api/v1/companies/13.json", 13},
		{"array envelope", 200, `{"company": [{"uId": 14}]}`, "", 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, reply(tt.status, tt.body, "Location", tt.location))
			c, _ := newTestClient(t, ts)
			in := CompanyInput{
				CompanyName:  Ptr("测试公司API"),
				CustomFields: []CustomField{{"field_1", Text("华中")}, {"field_4", List("北京市", "二级1")}},
			}
			co, resp, err := c.CreateCompany(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if co.UID != tt.wantID || resp.Location != tt.location {
				t.Errorf("uId %d location %q", co.UID, resp.Location)
			}
			r := ts.Requests()[0]
			if r.Method != http.MethodPost || r.Path != "/api/v1/companies.json" {
				t.Errorf("%s %s", r.Method, r.Path)
			}
			want := `{"company":{"companyName":"测试公司API","custom_fields":[{"key":"field_1","value":"华中"},{"key":"field_4","value":["北京市","二级1"]}]}}`
			if r.Body != want {
				t.Errorf("body\n got %s\nwant %s", r.Body, want)
			}
		})
	}
}

func TestCreateCompanyNeedsAName(t *testing.T) {
	ts := newServer(t, reply(200, `{}`))
	c, _ := newTestClient(t, ts)
	for _, in := range []CompanyInput{{}, {CompanyName: Ptr(" ")}} {
		if _, _, err := c.CreateCompany(context.Background(), in); err == nil || !strings.Contains(err.Error(), "companyName") {
			t.Errorf("CreateCompany(%+v) error = %v", in, err)
		}
	}
	if _, _, err := c.UpdateCompany(context.Background(), 1, CompanyInput{CompanyName: Ptr("")}); err == nil {
		t.Error("UpdateCompany to an empty name succeeded")
	}
	if ts.Hits() != 0 {
		t.Error("a create without a name reached the server")
	}
}

func TestCreateCompanyUnreadableAnswerIsAmbiguous(t *testing.T) {
	ts := newServer(t, reply(200, `{"ok": true}`))
	c, _ := newTestClient(t, ts)
	_, _, err := c.CreateCompany(context.Background(), CompanyInput{CompanyName: Ptr("x")})
	if !isMaybeCreated(err) {
		t.Fatalf("error = %v, want ErrMaybeCreated", err)
	}
}

func TestUpdateCompanySendsOnlySetFields(t *testing.T) {
	ts := newServer(t, reply(200, `{"company": {"uId": "123", "companyName": "北京金万维科技有限公司", "service_groupid": "344124"}}`))
	c, _ := newTestClient(t, ts)
	in := CompanyInput{CompanyName: Ptr("北京金万维科技有限公司"), ServiceGroupID: Ptr("344124"), Status: Ptr(StatusActive)}
	co, _, err := c.UpdateCompany(context.Background(), 123, in)
	if err != nil {
		t.Fatal(err)
	}
	if co.UID != 123 || co.ServiceGroupID != "344124" {
		t.Errorf("company = %+v", co)
	}
	r := ts.Requests()[0]
	if r.Method != http.MethodPut || r.Path != "/api/v1/companies/123.json" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	var body map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	for k := range body["company"] {
		keys = append(keys, k)
	}
	if len(body) != 1 || len(keys) != 3 {
		t.Errorf("body %s: want only company with its 3 set fields", r.Body)
	}
}

func TestSearchCompanies(t *testing.T) {
	answer := `{"results": [{"companyName": "金万维", "createDT": "2009-05-13 10:07:08", "uId": 111, "url": "https://www.bangwo8.com/api/v1/companies/111.json"}],
		"next_page": "https://www.bangwo8.com/api/v1/companies/search.json?query=132&page=2", "previous_page": null, "count": "100"}`
	ts := newServer(t, reply(200, answer))
	c, _ := newTestClient(t, ts)
	opts := &SearchOptions{IncludeDeleted: true, SortBy: SortByCreated, SortOrder: Desc, Page: 1, PerPage: 1}
	res, resp, err := c.SearchCompanies(context.Background(), "132 createDT>2017-07-03", opts)
	if err != nil {
		t.Fatal(err)
	}
	r := ts.Requests()[0]
	want := url.Values{"query": {"132 createDT>2017-07-03"}, "deStat": {"1"}, "sort_by": {"createDT"},
		"sort_order": {"desc"}, "page": {"1"}, "per_page": {"1"}}
	if r.Path != "/api/v1/companies/search.json" || !reflect.DeepEqual(url.Values(r.Query), want) {
		t.Errorf("%s %v", r.Path, r.Query)
	}
	if len(res.Results) != 1 || res.Results[0].UID != 111 || res.Count != 100 ||
		!strings.HasSuffix(res.NextPage, "page=2") || res.PreviousPage != "" {
		t.Errorf("result = %+v", res)
	}
	if resp.Count != 100 || resp.NextPage != res.NextPage || resp.PerPage != 1 {
		t.Errorf("response page info = %+v", resp)
	}
}

func TestSearchSendsSpacesAsPercent20(t *testing.T) {
	var rawQuery string
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		rawQuery = r.URL.RawQuery
		reply(200, `{"results": [], "count": 0}`)(w, r)
	})
	c, _ := newTestClient(t, ts)
	if _, _, err := c.SearchCompanies(context.Background(), "a+b createDT>2017-07-03", nil); err != nil {
		t.Fatal(err)
	}
	if rawQuery != "query=a%2Bb%20createDT%3E2017-07-03" {
		t.Errorf("raw query = %s", rawQuery)
	}
}

func TestSearchRejectsBadOptions(t *testing.T) {
	ts := newServer(t, reply(200, `{}`))
	c, _ := newTestClient(t, ts)
	tests := []struct {
		query string
		opts  SearchOptions
		want  string
	}{
		{"", SearchOptions{}, "query: empty"},
		{"  ", SearchOptions{}, "query: empty"},
		{"a", SearchOptions{SortBy: "name"}, "sort_by"},
		{"a", SearchOptions{SortOrder: "random"}, "sort_order"},
		{"a", SearchOptions{PerPage: 5001}, "per_page"},
	}
	for _, tt := range tests {
		if _, _, err := c.SearchCompanies(context.Background(), tt.query, &tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q %+v: error = %v, want %q", tt.query, tt.opts, err, tt.want)
		}
	}
	if ts.Hits() != 0 {
		t.Error("a bad search reached the server")
	}
}

func TestSearchBadCount(t *testing.T) {
	ts := newServer(t, reply(200, `{"results": [], "count": "many"}`))
	c, _ := newTestClient(t, ts)
	if _, _, err := c.SearchCompanies(context.Background(), "a", nil); err == nil || !strings.Contains(err.Error(), "count") {
		t.Errorf("error = %v", err)
	}
}

func TestIDFromLocation(t *testing.T) {
	tests := map[string]int64{
		"https://www.bangwo8.com/api/v1/companies/11.json": 11,
		"/api/v1/companies/42.json":                        42,
		"":                                                 0,
		"https://x/api/v1/companies/abc.json":              0,
		"https://x/api/v1/companies/-3.json":               0,
		"%zz":                                              0,
	}
	for loc, want := range tests {
		if got := idFromLocation(loc); got != want {
			t.Errorf("idFromLocation(%q) = %d, want %d", loc, got, want)
		}
	}
}

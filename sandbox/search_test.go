package sandbox_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// searchUIDs runs a search with the query and extra parameters and returns the page.
func searchPageOf(t testing.TB, ts *sandboxtest.Server, query, extra string) sandbox.SearchPage {
	t.Helper()
	path := "/api/v1/companies/search.json?query=" + url.QueryEscape(query)
	if extra != "" {
		path += "&" + extra
	}
	var p sandbox.SearchPage
	call(t, ts, "GET", path, nil).wantStatus(t, http.StatusOK).decode(t, &p)
	return p
}

func hitUIDs(p sandbox.SearchPage) []int64 {
	out := []int64{}
	for _, r := range p.Results {
		out = append(out, r.UID)
	}
	return out
}

func TestSearchTerms(t *testing.T) {
	ts := newFixtureServer(t)
	// Ascending createDT makes the expected lists easy to read: 15 (2020-01-01), 12 (02-28
	// 23:59:59), 11 (03-01 00:00:00), 13 (03-01 23:59:59), 14 (03-02, deleted), 16 (03-05).
	asc := "sort_by=createDT&sort_order=asc"
	tests := []struct {
		query, extra string
		want         []int64
	}{
		{"companyName:金万维", asc, []int64{12, 11}},
		{"金万维", asc, []int64{12, 11}},
		{"132", asc, []int64{15}},
		{"companyName:北京 金万维", asc, []int64{11}},
		{"金万维 上海", asc, []int64{12}},
		{"金万维 广州", asc, []int64{}},
		{"serviceaccount:gnkefu", asc, []int64{11}}, // exact: not gnkefu2
		{"serviceaccount:gnkefu2", asc, []int64{12}},
		{"serviceaccount:kefu", asc, []int64{}},
		{"field_2:454", asc, []int64{12, 11}}, // contains: 454 and 84541
		{"field_2:8454", asc, []int64{11}},
		{"field_2:下拉菜单", asc, []int64{13}},
		{"field_1:二级1", asc, []int64{11}},     // one level of a cascade
		{"field_1:北京市/二级1", asc, []int64{11}}, // across levels, joined by /
		{"field_1:天津", asc, []int64{12}},
		{"gjfx:4672423", asc, []int64{13}},
		{"expect_time:2021-04", asc, []int64{12}},
		{"field_1:454", asc, []int64{}}, // another field's value
		{"nosuchfield:4", asc, []int64{}},
		{"createDT:2021-03-01", asc, []int64{11, 13}},
		{"createDT>2021-03-01", asc, []int64{16}},
		{"createDT>2021-03-01", "deStat=1&" + asc, []int64{14, 16}},
		{"createDT>=2021-03-01", asc, []int64{11, 13, 16}},
		{"createDT<2021-03-01", asc, []int64{15, 12}},
		{"createDT<=2021-03-01", asc, []int64{15, 12, 11, 13}},
		{"createDT:2021-02-28", asc, []int64{12}},
		{"createDT>=2021-03-01 createDT<2021-03-02", asc, []int64{11, 13}},
		{"updateDT:2021-06-01", asc, []int64{11}},
		{"updateDT>2021-06-01", asc, []int64{15, 13}},
		{"updateDT>=2021-06-01", asc, []int64{15, 11, 13}},
		{"updateDT<2021-06-01", asc, []int64{12, 16}},
		{"updateDT<=2021-05-31", asc, []int64{12, 16}},
		{"updatedt:2021-06-02", asc, []int64{13}},
		{"companyName:金万维 createDT>2021-02-28", asc, []int64{11}},
		{"金万维 createDT>2017-07-01 serviceaccount:gnkefu2", asc, []int64{12}},
		{"  有限公司   createDT<2021-03-02  ", asc, []int64{15, 12, 11, 13}},
		// orders
		{"有限公司", "", []int64{16, 13, 11, 12, 15}}, // default: createDT desc
		{"有限公司", "sort_order=asc", []int64{15, 12, 11, 13, 16}},
		{"有限公司", "sort_by=updateDT", []int64{15, 13, 11, 12, 16}},
		{"有限公司", "sort_by=updateDT&sort_order=asc", []int64{16, 12, 11, 13, 15}},
		{"公司", "deStat=1&" + asc, []int64{15, 12, 11, 13, 14, 16}},
		{"公司", "deStat=0&" + asc, []int64{15, 12, 11, 13, 16}},
	}
	for _, tt := range tests {
		t.Run(tt.query+"&"+tt.extra, func(t *testing.T) {
			p := searchPageOf(t, ts, tt.query, tt.extra)
			if got := hitUIDs(p); !slices.Equal(got, tt.want) {
				t.Errorf("uIds %v, want %v", got, tt.want)
			}
			if p.Count != len(tt.want) {
				t.Errorf("count %d, want %d", p.Count, len(tt.want))
			}
		})
	}
}

func TestSearchShortFormAndPaging(t *testing.T) {
	ts := newFixtureServer(t)
	p := searchPageOf(t, ts, "有限公司", "sort_order=asc&per_page=2")
	if p.Count != 5 || !slices.Equal(hitUIDs(p), []int64{15, 12}) || p.PreviousPage != nil || p.NextPage == nil {
		t.Fatalf("page 1: %+v", p)
	}
	first := p.Results[0]
	want := sandbox.SearchResult{UID: 15, CompanyName: "成都132贸易有限公司", CreateDT: "2020-01-01 10:00:00",
		UpdateDT: "2022-01-01 10:00:00", URL: ts.URL + "/api/v1/companies/15.json"}
	if first != want {
		t.Errorf("short form %+v, want %+v", first, want)
	}
	// The raw answer has the short form only and null links where there are none.
	r := call(t, ts, "GET", "/api/v1/companies/search.json?query=132", nil).wantStatus(t, 200)
	wantBody := `{"results":[{"uId":15,"companyName":"成都132贸易有限公司","createDT":"2020-01-01 10:00:00","updateDT":"2022-01-01 10:00:00","url":"` +
		ts.URL + `/api/v1/companies/15.json"}],"next_page":null,"previous_page":null,"count":1}`
	if string(r.body) != wantBody {
		t.Errorf("body\n%s\nwant\n%s", r.body, wantBody)
	}

	// Follow next_page to the end, then previous_page back: the links are full URLs that keep
	// the query (Chinese, percent-encoded) and the sort.
	var seen []int64
	next := ts.URL + "/api/v1/companies/search.json?query=" + url.QueryEscape("有限公司") + "&sort_order=asc&per_page=2"
	var last sandbox.SearchPage
	for pages := 0; next != ""; pages++ {
		if pages > 5 || !strings.HasPrefix(next, ts.URL+"/api/v1/companies/search.json?") {
			t.Fatalf("bad next_page %q", next)
		}
		var pg sandbox.SearchPage
		call(t, ts, "GET", strings.TrimPrefix(next, ts.URL), nil).wantStatus(t, 200).decode(t, &pg)
		seen = append(seen, hitUIDs(pg)...)
		next, last = "", pg
		if pg.NextPage != nil {
			next = *pg.NextPage
		}
	}
	if !slices.Equal(seen, []int64{15, 12, 11, 13, 16}) {
		t.Errorf("pages gave %v", seen)
	}
	if last.PreviousPage == nil {
		t.Fatal("last page has no previous_page")
	}
	u, err := url.Parse(*last.PreviousPage)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("query") != "有限公司" || q.Get("page") != "2" || q.Get("sort_order") != "asc" || q.Get("sort_by") != "createDT" || q.Get("per_page") != "2" {
		t.Errorf("previous_page %q", *last.PreviousPage)
	}
	// Past the end: no results, the count of all, a way back.
	p = searchPageOf(t, ts, "有限公司", "page=9&per_page=2")
	if len(p.Results) != 0 || p.Count != 5 || p.NextPage != nil || p.PreviousPage == nil {
		t.Errorf("past the end: %+v", p)
	}
	if r := call(t, ts, "GET", "/api/v1/companies/search.json?query=nomatch", nil); !strings.Contains(string(r.body), `"results":[]`) {
		t.Errorf("no match body %s, want an empty results array", r.body)
	}
}

func TestSearchBadParameters(t *testing.T) {
	ts := newFixtureServer(t)
	for _, q := range []string{
		"", "query=", "query=%20%20",
		"query=createDT>notadate", "query=createDT:2021-02-30", "query=updateDT<=", "query=" + url.QueryEscape(":x"),
		"query=" + url.QueryEscape("companyName:"), "query=" + url.QueryEscape("companyName>x"),
		"query=" + url.QueryEscape("province:北京"), "query=a&sort_by=name", "query=a&sort_order=up",
		"query=a&per_page=x", "query=a&page=0", "query=a&deStat=3",
	} {
		t.Run(q, func(t *testing.T) {
			call(t, ts, "GET", "/api/v1/companies/search.json?"+q, nil).apiErr(t, http.StatusBadRequest, sandbox.CodeInvalidParameter)
		})
	}
	e := call(t, ts, "GET", "/api/v1/companies/search.json?query="+url.QueryEscape("金万维 createDT>2021-13-01"), nil).apiErr(t, 400, sandbox.CodeInvalidParameter)
	if !strings.Contains(e.Description, "createDT>2021-13-01") {
		t.Errorf("description %q does not name the term", e.Description)
	}
	call(t, ts, "GET", "/api/v1/companies/search.json?query=a&per_page=5001", nil).apiErr(t, 500, sandbox.CodeInternalError)
}

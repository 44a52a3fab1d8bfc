package sandbox_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func TestListFiltersOrdersAndDeStat(t *testing.T) {
	ts := newFixtureServer(t)
	tests := []struct {
		query string
		want  []int64
	}{
		{"", []int64{11, 12, 13, 15, 16}},
		{"?deStat=0", []int64{11, 12, 13, 15, 16}},
		{"?deStat=1", []int64{11, 12, 13, 14, 15, 16}},
		// both ends include the whole day: 12 is at 23:59:59 of the day before, 13 at the
		// last second of the day, 14 at the first second of the next day.
		{"?created_start=2021-03-01", []int64{11, 13, 16}},
		{"?created_start=2021-03-01&deStat=1", []int64{11, 13, 14, 16}},
		{"?created_end=2021-03-01", []int64{11, 12, 13, 15}},
		{"?created_start=2021-03-01&created_end=2021-03-01", []int64{11, 13}},
		{"?created_start=2021-02-28&created_end=2021-02-28", []int64{12}},
		{"?created_start=2021-03-02&created_end=2021-03-02&deStat=1", []int64{14}},
		{"?updated_start=2021-06-01&updated_end=2021-06-01", []int64{11}},
		{"?updated_start=2021-05-31&updated_end=2021-06-02", []int64{11, 12, 13}},
		{"?updated_end=2021-05-31", []int64{12, 16}},
		{"?created_start=2021-03-01&updated_end=2021-06-01", []int64{11, 16}},
		{"?created_order=asc", []int64{15, 12, 11, 13, 16}},
		{"?created_order=desc", []int64{16, 13, 11, 12, 15}},
		{"?updated_order=asc", []int64{16, 12, 11, 13, 15}},
		{"?updated_order=desc&deStat=1", []int64{15, 13, 11, 12, 16, 14}},
		{"?created_order=desc&created_end=2021-03-01", []int64{13, 11, 12, 15}},
		{"?per_page=2", []int64{11, 12}},
		{"?per_page=2&page=2", []int64{13, 15}},
		{"?per_page=2&page=3", []int64{16}},
		{"?per_page=2&page=4", []int64{}},
		{"?page=2", []int64{}},
		{"?per_page=5000", []int64{11, 12, 13, 15, 16}},
		{"?created_start=2030-01-01", []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if got := listUIDs(t, ts, "/api/v1/companies.json"+tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("uIds %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListPagePastTheEndIsAnEmptyArray(t *testing.T) {
	ts := newFixtureServer(t)
	r := call(t, ts, "GET", "/api/v1/companies.json?page=99", nil).wantStatus(t, http.StatusOK)
	if string(r.body) != `{"companies":[]}` {
		t.Errorf("body %s, want {\"companies\":[]}", r.body)
	}
}

func TestListDefaultPerPageIs100(t *testing.T) {
	ts := sandboxtest.NewServer(t, sandboxtest.WithSeed(150, 1))
	page1 := listUIDs(t, ts, "/api/v1/companies.json?deStat=1")
	page2 := listUIDs(t, ts, "/api/v1/companies.json?deStat=1&page=2")
	if len(page1) != 100 || len(page2) != 50 {
		t.Fatalf("pages of %d and %d, want 100 and 50", len(page1), len(page2))
	}
	all := append(page1, page2...)
	if !slices.IsSorted(all) || all[0] != sandbox.FirstUID+1 || all[149] != sandbox.FirstUID+150 {
		t.Errorf("ids not ascending from %d: first %d last %d", sandbox.FirstUID+1, all[0], all[149])
	}
}

func TestListBadParameters(t *testing.T) {
	ts := newFixtureServer(t)
	tests := []struct {
		query  string
		status int
		code   string
	}{
		{"per_page=abc", 400, sandbox.CodeInvalidParameter},
		{"per_page=0", 400, sandbox.CodeInvalidParameter},
		{"per_page=-5", 400, sandbox.CodeInvalidParameter},
		{"page=0", 400, sandbox.CodeInvalidParameter},
		{"page=x", 400, sandbox.CodeInvalidParameter},
		{"created_order=up", 400, sandbox.CodeInvalidParameter},
		{"updated_order=DESC", 400, sandbox.CodeInvalidParameter},
		{"deStat=2", 400, sandbox.CodeInvalidParameter},
		{"created_start=2021-13-01", 400, sandbox.CodeInvalidParameter},
		{"created_end=2021/03/01", 400, sandbox.CodeInvalidParameter},
		{"updated_start=2021-02-30", 400, sandbox.CodeInvalidParameter},
		{"updated_end=yesterday", 400, sandbox.CodeInvalidParameter},
		{"per_page=5001", 500, sandbox.CodeInternalError},
		{"per_page=10000", 500, sandbox.CodeInternalError},
		{"page=99999999999999", 400, sandbox.CodeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			call(t, ts, "GET", "/api/v1/companies.json?"+tt.query, nil).apiErr(t, tt.status, tt.code)
		})
	}
}

func TestShowOneAndShowMany(t *testing.T) {
	ts := newFixtureServer(t)
	c := call(t, ts, "GET", "/api/v1/companies/11.json", nil).wantStatus(t, http.StatusOK).company(t)
	if c["companyName"] != "北京金万维科技有限公司" || c["url"] != ts.URL+"/api/v1/companies/11.json" {
		t.Errorf("company 11: %v", c)
	}
	// A soft-deleted company is still there by id.
	if c := call(t, ts, "GET", "/api/v1/companies/14.json", nil).wantStatus(t, 200).company(t); c["status"] != 2.0 {
		t.Errorf("company 14 status %v, want 2", c["status"])
	}
	call(t, ts, "GET", "/api/v1/companies/999.json", nil).apiErr(t, 404, sandbox.CodeRecordNotFound)

	tests := []struct {
		ids  string
		want []int64
	}{
		{"11,12,13", []int64{11, 12, 13}},
		{"13,999,11", []int64{13, 11}},
		{"999,998", []int64{}},
		{"14", []int64{14}},
		{"12,12", []int64{12}},
		{"%2015%20,%2016%20", []int64{15, 16}},
	}
	for _, tt := range tests {
		got := listUIDs(t, ts, "/api/v1/companies/show_many.json?ids="+tt.ids)
		if !slices.Equal(got, tt.want) {
			t.Errorf("ids=%s: %v, want %v", tt.ids, got, tt.want)
		}
	}
	for _, bad := range []string{"", "?ids=", "?ids=1,a", "?ids=1,,2", "?ids=-3"} {
		call(t, ts, "GET", "/api/v1/companies/show_many.json"+bad, nil).apiErr(t, 400, sandbox.CodeInvalidParameter)
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	ts := newFixtureServer(t)
	for _, path := range []string{"/", "/api/v1/companies", "/api/v1/companies/abc.json", "/api/v1/companies/0.json",
		"/api/v1/companies/11", "/api/v1/contacts.json", "/api/v1/companies/11/x.json"} {
		call(t, ts, "GET", path, nil).apiErr(t, 404, sandbox.CodeInvalidEndpoint)
	}
	tests := []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/companies/11.json", "GET, PUT"},
		{"POST", "/api/v1/companies/11.json", "GET, PUT"},
		{"PUT", "/api/v1/companies.json", "GET, POST"},
		{"POST", "/api/v1/companies/search.json", "GET"},
		{"DELETE", "/api/v1/companies/show_many.json", "GET"},
	}
	for _, tt := range tests {
		r := call(t, ts, tt.method, tt.path, nil)
		r.apiErr(t, http.StatusMethodNotAllowed, sandbox.CodeMethodNotAllowed)
		if got := r.header.Get("Allow"); got != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
		}
	}
}

func TestAuthentication(t *testing.T) {
	ts := newFixtureServer(t, sandboxtest.WithConfig(func(c *sandbox.Config) { c.Account, c.Password = "agent@example.com", "pässwörd-秘密" }))
	tests := []struct{ name, account, password string }{
		{"none", "", ""},
		{"wrong password", "agent@example.com", "guess"},
		{"wrong account", "other@example.com", "pässwörd-秘密"},
		{"password prefix", "agent@example.com", "pässwörd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/api/v1/companies.json", "/api/v1/companies/11.json", "/nowhere"} {
				r := callAs(t, ts, tt.account, tt.password, "GET", path, nil)
				r.apiErr(t, http.StatusUnauthorized, sandbox.CodeUnauthorized)
				if r.header.Get("WWW-Authenticate") == "" {
					t.Error("no WWW-Authenticate header")
				}
				if strings.Contains(string(r.body), "pässwörd") || strings.Contains(string(r.body), "guess") {
					t.Errorf("body echoes a password: %s", r.body)
				}
			}
		})
	}
	callAs(t, ts, "agent@example.com", "pässwörd-秘密", "GET", "/api/v1/companies.json", nil).wantStatus(t, 200)
}

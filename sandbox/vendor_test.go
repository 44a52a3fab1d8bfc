package sandbox_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// With VendorShapes the sandbox answers as the vendor's examples read literally.
func TestVendorShapes(t *testing.T) {
	ts := newFixtureServer(t, sandboxtest.WithConfig(func(c *sandbox.Config) { c.VendorShapes = true }))

	list := call(t, ts, "GET", "/api/v1/companies.json?per_page=2", nil).companies(t)
	one := call(t, ts, "GET", "/api/v1/companies/11.json", nil).wantStatus(t, http.StatusOK).company(t)
	for _, c := range append(list, one) {
		if _, ok := c["uId"].(string); !ok {
			t.Errorf("list/get: uId %#v, want a string", c["uId"])
		}
		if _, ok := c["supportId"].(string); !ok {
			t.Errorf("list/get: supportId %#v, want a string", c["supportId"])
		}
		for _, absent := range []string{"status", "url"} {
			if _, ok := c[absent]; ok {
				t.Errorf("list/get: has %s", absent)
			}
		}
		if dt, _ := c["createDT"].(string); len(dt) != len("2006-01-02 15:04:05") {
			t.Errorf("list/get: createDT %q, want a date and time", dt)
		}
	}
	if one["userGroup"] != "" && one["userGroup"] != "221" {
		t.Errorf("get: userGroup %#v, want a string", one["userGroup"])
	}

	many := call(t, ts, "GET", "/api/v1/companies/show_many.json?ids=11", nil).companies(t)
	if _, ok := many[0]["uId"].(float64); !ok {
		t.Errorf("show_many: uId %#v, want a number", many[0]["uId"])
	}

	res := call(t, ts, "POST", "/api/v1/companies.json", map[string]any{"company": map[string]any{"companyName": "测试公司API"}})
	created := res.wantStatus(t, http.StatusOK).company(t)
	if _, ok := created["uId"].(float64); !ok || created["url"] == nil || created["createDT"] != "2024-05-06" || created["status"] != nil {
		t.Errorf("create answer %s, want the resource example's shape", res.body)
	}
	if created["servicestarttime"] != "0000-00-00" {
		t.Errorf("create: empty date %#v", created["servicestarttime"])
	}

	var page struct {
		Results      []company `json:"results"`
		Count        int       `json:"count"`
		NextPage     *string   `json:"next_page"`
		PreviousPage *string   `json:"previous_page"`
	}
	call(t, ts, "GET", "/api/v1/companies/search.json?query=公司&per_page=1&deStat=1", nil).wantStatus(t, http.StatusOK).decode(t, &page)
	if page.Count != len(page.Results) || page.PreviousPage != nil {
		t.Errorf("search: count %d for %d results, previous %v", page.Count, len(page.Results), page.PreviousPage)
	}
	if len(page.Results) < 2 {
		t.Errorf("search: %d results: per_page is not the vendor's parameter", len(page.Results))
	}
	if page.NextPage != nil && strings.Contains(*page.NextPage, "per_page") {
		t.Errorf("search: next_page %s names per_page", *page.NextPage)
	}
}

package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func TestDataPersistsAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	var created company
	t.Run("write", func(t *testing.T) {
		ts := sandboxtest.NewServer(t, sandboxtest.WithDB(path), sandboxtest.WithFixtures(fixture(t)))
		created = call(t, ts, "POST", "/api/v1/companies.json", `{"company": {"companyName": "重开后还在有限公司"}}`).wantStatus(t, 200).company(t)
		call(t, ts, "PUT", "/api/v1/companies/12.json", `{"company": {"status": 2, "address": "上海市浦东新区"}}`).wantStatus(t, 200)
	})
	t.Run("read", func(t *testing.T) {
		ts := sandboxtest.NewServer(t, sandboxtest.WithDB(path))
		got := call(t, ts, "GET", "/api/v1/companies/17.json", nil).wantStatus(t, 200).company(t)
		delete(got, "url") // a new server, a new port
		delete(created, "url")
		if !jsonEqual(t, got, created) {
			t.Errorf("after reopen %v, want %v", got, created)
		}
		c := call(t, ts, "GET", "/api/v1/companies/12.json", nil).wantStatus(t, 200).company(t)
		if c["address"] != "上海市浦东新区" || c["status"] != 2.0 {
			t.Errorf("update lost: %v", c)
		}
		if got := listUIDs(t, ts, "/api/v1/companies.json"); !slices.Equal(got, []int64{11, 13, 15, 16, 17}) {
			t.Errorf("list after reopen %v", got)
		}
	})
}

func TestFixturesKeepReadOnlyFields(t *testing.T) {
	ts := newFixtureServer(t)
	c := call(t, ts, "GET", "/api/v1/companies/12.json", nil).wantStatus(t, 200).company(t)
	checks := map[string]any{
		"uId": 12.0, "supportId": 7.0, "createDT": "2021-02-28 23:59:59", "updateDT": "2021-05-31 23:59:59",
		"userGroup": 0.0, "servicestarttime": "0000-00-00", "serviceendtime": "0000-00-00", "serviceCharge": "0.00", "status": 1.0,
	}
	for k, want := range checks {
		if c[k] != want {
			t.Errorf("%s = %v, want %v", k, c[k], want)
		}
	}
	c11 := call(t, ts, "GET", "/api/v1/companies/11.json", nil).company(t)
	if c11["multiServiceList"] != "N1331193N" || c11["url"] != ts.URL+"/api/v1/companies/11.json" {
		t.Errorf("company 11 %v: fixture url must give way to the sandbox's", c11)
	}
	// A bare day is that day's midnight.
	if c := call(t, ts, "GET", "/api/v1/companies/16.json", nil).company(t); c["createDT"] != "2021-03-05 00:00:00" {
		t.Errorf("createDT %v", c["createDT"])
	}
	// Loading again replaces, and a company without uId gets the next one.
	again := `{"companies": [{"uId": 11, "companyName": "替换", "createDT": "2021-03-01 00:00:00", "updateDT": "2021-03-01 00:00:00"},
		{"companyName": "无编号公司", "createDT": "2022-01-01 00:00:00", "updateDT": "2022-01-01 00:00:00"}]}`
	if err := ts.Store.LoadFixtures(context.Background(), strings.NewReader(again)); err != nil {
		t.Fatal(err)
	}
	if c := call(t, ts, "GET", "/api/v1/companies/11.json", nil).company(t); c["companyName"] != "替换" || len(c["custom_fields"].([]any)) != 0 {
		t.Errorf("replaced company 11: %v", c)
	}
	if c := call(t, ts, "GET", "/api/v1/companies/17.json", nil).company(t); c["companyName"] != "无编号公司" {
		t.Errorf("company 17: %v", c)
	}
	// The replaced company's custom fields no longer match a search.
	if p := searchPageOf(t, ts, "field_2:8454", ""); p.Count != 0 {
		t.Errorf("search finds replaced custom fields: %+v", p)
	}
}

func TestFixtureErrorsNameTheCompany(t *testing.T) {
	tests := []struct{ doc, mention string }{
		{`{"companies": [`, "not a JSON document"},
		{`{"companies": [{"companyName": "a"}, {"uId": 3}]}`, "companies[1] (uId 3): companyName is required"},
		{`{"companies": [{"companyName": "a", "createDT": "yesterday"}]}`, "companies[0]"},
		{`{"companies": [{"companyName": "a", "uId": "x1"}]}`, "uId must be an integer"},
		{`{"companies": [{"companyName": "a", "status": 5}]}`, "status must be 1"},
		{`{"companies": [{"companyName": "a", "servicestarttime": "2021-02-30"}]}`, "servicestarttime"},
		{`{"companies": [null]}`, "companies[0] is not an object"},
	}
	for _, tt := range tests {
		store, err := sandbox.OpenStore(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		err = store.LoadFixtures(context.Background(), strings.NewReader(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.doc, err, tt.mention)
		}
		if n, _ := store.Count(context.Background(), true); n != 0 {
			t.Errorf("%s: %d companies stored from a bad file", tt.doc, n)
		}
		store.Close()
	}
}

// seededDocs seeds n companies from seed into a fresh store and returns their documents.
func seededDocs(t *testing.T, n int, seed int64) []string {
	t.Helper()
	ts := sandboxtest.NewServer(t, sandboxtest.WithSeed(n, seed))
	var docs []string
	for id := int64(sandbox.FirstUID + 1); id <= sandbox.FirstUID+int64(n); id++ {
		raw, err := ts.Store.CompanyJSON(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(raw))
	}
	return docs
}

func TestSeedIsDeterministicAndRealistic(t *testing.T) {
	const n = 400
	a, b, c := seededDocs(t, n, 42), seededDocs(t, n, 42), seededDocs(t, n, 43)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different companies")
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds gave the same companies")
	}
	names := map[string]bool{}
	shapes := map[string]bool{}
	deleted := 0
	for _, doc := range a {
		var r sandbox.Record
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			t.Fatal(err)
		}
		if names[r.CompanyName] {
			t.Errorf("name %s twice", r.CompanyName)
		}
		names[r.CompanyName] = true
		if !strings.HasSuffix(r.CompanyName, "公司") || r.Province == "" || r.City == "" {
			t.Errorf("unrealistic company %s", doc)
		}
		if !strings.HasPrefix(r.Address, sandbox.RegionFull(r.Province)+r.City) {
			t.Errorf("address %q does not match %s/%s", r.Address, r.Province, r.City)
		}
		if r.CreateDT > r.UpdateDT || r.CreateDT < "2015" || r.CreateDT > "2025" {
			t.Errorf("dates %s .. %s", r.CreateDT, r.UpdateDT)
		}
		if r.Status == sandbox.StatusDeleted {
			deleted++
		}
		for _, f := range r.CustomFields {
			var list []string
			if json.Unmarshal(f.Value, &list) == nil {
				shapes["list"] = true
				if f.Key == "field_1" {
					shapes["cascade"+string(rune('0'+len(list)))] = true
				}
				continue
			}
			var s string
			if err := json.Unmarshal(f.Value, &s); err != nil {
				t.Fatalf("custom value %s", f.Value)
			}
			switch {
			case s == "是" || s == "否":
				shapes["checkbox"] = true
			case strings.Count(s, ",") >= 1:
				shapes["ids"] = true
			case f.Key == "expect_time" && s != "":
				shapes["named"] = true
			}
		}
	}
	for _, want := range []string{"list", "cascade1", "cascade3", "cascade5", "checkbox", "ids", "named"} {
		if !shapes[want] {
			t.Errorf("no custom field of shape %s in %d companies", want, n)
		}
	}
	if deleted == 0 || deleted > n/10 {
		t.Errorf("%d of %d deleted, want a few", deleted, n)
	}
}

func TestSeededCompaniesServeEveryEndpoint(t *testing.T) {
	ts := sandboxtest.NewServer(t, sandboxtest.WithSeed(300, 7))
	all := call(t, ts, "GET", "/api/v1/companies.json?deStat=1&per_page=1000", nil).companies(t)
	if len(all) != 300 {
		t.Fatalf("%d companies, want 300", len(all))
	}
	n, err := ts.Store.Count(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(call(t, ts, "GET", "/api/v1/companies.json?per_page=1000", nil).companies(t)); got != n {
		t.Errorf("list of not deleted has %d, Count says %d", got, n)
	}
	first := all[0]
	p := searchPageOf(t, ts, "companyName:"+first["companyName"].(string), "deStat=1")
	if p.Count != 1 || p.Results[0].UID != first.uid() {
		t.Errorf("search by seeded name: %+v", p)
	}
	call(t, ts, "PUT", "/api/v1/companies/"+jsonNumber(first.uid())+".json", `{"company": {"serveNote": "改"}}`).wantStatus(t, http.StatusOK)
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestConcurrentWritesAndReadsOnAFileStore(t *testing.T) {
	ts := sandboxtest.NewServer(t, sandboxtest.WithDB(filepath.Join(t.TempDir(), "c.db")), sandboxtest.WithFixtures(fixture(t)))
	const workers, each = 4, 15
	ids := make(chan int64, workers*each)
	errs := make(chan string, workers*each*2)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				body := fmt.Sprintf(`{"company": {"companyName": "并发公司%d-%d"}}`, w, i)
				r := call(t, ts, "POST", "/api/v1/companies.json", body)
				if r.status != 200 {
					errs <- fmt.Sprintf("create: %d %s", r.status, r.body)
					continue
				}
				var out struct{ Company company }
				_ = json.Unmarshal(r.body, &out)
				ids <- out.Company.uid()
				if r := call(t, ts, "GET", "/api/v1/companies.json?per_page=50", nil); r.status != 200 {
					errs <- fmt.Sprintf("list: %d %s", r.status, r.body)
				}
			}
		}()
	}
	wg.Wait()
	close(ids)
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("uId %d handed out twice", id)
		}
		seen[id] = true
	}
	if n, _ := ts.Store.Count(context.Background(), true); n != 6+workers*each {
		t.Errorf("%d companies, want %d", n, 6+workers*each)
	}
}

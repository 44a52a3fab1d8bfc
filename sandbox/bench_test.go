package sandbox_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

const benchCompanies = 100_000

// BenchmarkSeed measures seeding 100,000 companies into a fresh file store.
func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		store, err := sandbox.OpenStore(context.Background(), filepath.Join(b.TempDir(), "seed.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := store.Seed(context.Background(), benchCompanies, 1); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
	b.ReportMetric(benchCompanies/(b.Elapsed().Seconds()/float64(b.N)), "companies/s")
}

// get fetches path and drains the answer, failing on anything but 200.
func benchGet(b *testing.B, client *http.Client, ts *sandboxtest.Server, path string) {
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	req.SetBasicAuth(ts.Account, ts.Password)
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("%s: status %d", path, resp.StatusCode)
	}
}

// BenchmarkListPage reads list pages over HTTP from a file store of 100,000 seeded companies,
// walking every page in turn so deep offsets count as much as the first page.
func BenchmarkListPage(b *testing.B) {
	ts := sandboxtest.NewServer(b, sandboxtest.WithDB(filepath.Join(b.TempDir(), "list.db")), sandboxtest.WithSeed(benchCompanies, 1))
	client := &http.Client{}
	for _, perPage := range []int{100, 1000} {
		// deStat=1 in id order is what the exporter asks for; every page is visited in turn, so
		// the deep pages (large OFFSETs) count as much as the first ones.
		for _, order := range []string{"", "&deStat=1", "&created_order=desc"} {
			b.Run(fmt.Sprintf("per_page=%d%s", perPage, order), func(b *testing.B) {
				pages := benchCompanies / perPage
				i := 0
				for b.Loop() {
					benchGet(b, client, ts, fmt.Sprintf("/api/v1/companies.json?per_page=%d&page=%d%s", perPage, i%pages+1, order))
					i++
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
				b.ReportMetric(float64(b.N*perPage)/b.Elapsed().Seconds(), "companies/s")
			})
		}
	}
	b.Run("search", func(b *testing.B) {
		queries := []string{"金万维", "companyName:北京 createDT>2020-01-01", "field_1:三级2", "serviceaccount:bw150000"}
		i := 0
		for b.Loop() {
			benchGet(b, client, ts, "/api/v1/companies/search.json?query="+url.QueryEscape(queries[i%len(queries)]))
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "searches/s")
	})
}

package exporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
)

// literalServer answers the list, search and show_many as the vendor's examples read
// literally: ids as strings, no status, per_page capped at maxPerPage, the search's count
// the size of the page with next_page links. Companies 1..total; those in deleted are
// deleted (left out unless deStat=1, where nothing says they are).
type literalServer struct {
	total      int
	maxPerPage int
	deleted    map[int]bool
	ignorePage bool
	clampPage  bool // a page past the end answers the last page

	mu    sync.Mutex
	asked []string // the query of every list and search call
}

// calls returns the queries asked so far. Look-ahead fetches that the export cancelled may
// still be in the handler when Run returns, so read them under the lock.
func (v *literalServer) calls() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.asked)
}

func (v *literalServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v.mu.Lock()
	v.asked = append(v.asked, r.URL.Path+"?"+r.URL.RawQuery)
	v.mu.Unlock()
	record := func(id int) map[string]any {
		return map[string]any{"uId": strconv.Itoa(id), "companyName": fmt.Sprint("公司", id), "supportId": "0",
			"createDT": fmt.Sprintf("2021-09-28 11:%02d:%02d", id/60%60, id%60), "updateDT": "2022-11-15 10:33:16", "userGroup": ""}
	}
	if strings.HasSuffix(r.URL.Path, "show_many.json") {
		var list []map[string]any
		for s := range strings.SplitSeq(q.Get("ids"), ",") {
			id, _ := strconv.Atoi(s)
			list = append(list, record(id))
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"companies": list})
		return
	}
	var ids []int
	for id := 1; id <= v.total; id++ {
		if q.Get("deStat") == "1" || !v.deleted[id] {
			ids = append(ids, id)
		}
	}
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("per_page"))
	page, size = max(page, 1), min(max(size, 1), v.maxPerPage)
	if v.ignorePage {
		page = 1
	}
	if last := max((len(ids)+size-1)/size, 1); v.clampPage && page > last {
		page = last
	}
	from := min((page-1)*size, len(ids))
	list := []map[string]any{}
	for _, id := range ids[from:min(from+size, len(ids))] {
		list = append(list, record(id))
	}
	if strings.HasSuffix(r.URL.Path, "search.json") {
		var next any
		if from+size < len(ids) {
			next = fmt.Sprintf("https://www.bangwo8.com/api/v1/companies/search.json?query=x&page=%d", page+1)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"results": list, "count": len(list), "next_page": next, "previous_page": nil})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"companies": list})
}

func literalClient(t *testing.T, h http.Handler) *bangwo8.Client {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	c, err := bangwo8.NewClient(ts.URL, bangwo8.WithBasicAuth("a", "b"), bangwo8.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Against a server that caps per_page, counts per page and carries no status, every company
// not deleted is exported once, whatever the concurrency.
func TestExportAgainstTheVendorsExamples(t *testing.T) {
	deleted := map[int]bool{7: true, 150: true}
	want := func(total int) []int64 {
		var ids []int64
		for id := 1; id <= total; id++ {
			if !deleted[id] {
				ids = append(ids, int64(id))
			}
		}
		return ids
	}
	for _, tt := range []struct {
		name  string
		query string
		conc  int
	}{
		{"list", "", 1}, {"list, 4 at once", "", 4}, {"search", "公司", 1}, {"search, 3 at once", "公司", 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := &literalServer{total: 250, maxPerPage: 100, deleted: deleted}
			out := filepath.Join(t.TempDir(), "out.csv")
			sum, err := Run(context.Background(), literalClient(t, srv), Options{Out: out, Query: tt.query, PerPage: 500, Concurrency: tt.conc})
			if err != nil {
				t.Fatal(err)
			}
			if got := csvIDs(t, out); !slices.Equal(got, want(250)) {
				t.Fatalf("exported %d companies, want %d: %v", len(got), len(want(250)), got)
			}
			if sum.Companies != 248 {
				t.Errorf("summary: %d companies", sum.Companies)
			}
			for _, q := range srv.calls()[1:] {
				if !strings.Contains(q, "show_many") && strings.Contains(q, "deStat=1") {
					t.Errorf("asked %s after finding no status: deleted companies would be exported", q)
				}
			}
		})
	}
	t.Run("a page past the end is the last one again", func(t *testing.T) {
		srv := &literalServer{total: 250, maxPerPage: 100, deleted: deleted, clampPage: true}
		out := filepath.Join(t.TempDir(), "out.csv")
		if _, err := Run(context.Background(), literalClient(t, srv), Options{Out: out, PerPage: 100, Concurrency: 4}); err != nil {
			t.Fatal(err)
		}
		if got := csvIDs(t, out); !slices.Equal(got, want(250)) {
			t.Fatalf("exported %d companies, want %d", len(got), len(want(250)))
		}
	})
	t.Run("include deleted", func(t *testing.T) {
		srv := &literalServer{total: 250, maxPerPage: 100, deleted: deleted}
		out := filepath.Join(t.TempDir(), "out.csv")
		if _, err := Run(context.Background(), literalClient(t, srv), Options{Out: out, Filter: Filter{IncludeDeleted: true}}); err != nil {
			t.Fatal(err)
		}
		if got := csvIDs(t, out); len(got) != 250 {
			t.Fatalf("exported %d companies, want 250", len(got))
		}
	})
}

// A server that ignores page fails the export: no file, no endless loop.
func TestExportRefusesPagesThatRepeat(t *testing.T) {
	srv := &literalServer{total: 250, maxPerPage: 100, ignorePage: true}
	out := filepath.Join(t.TempDir(), "out.csv")
	_, err := Run(context.Background(), literalClient(t, srv), Options{Out: out, PerPage: 100, Concurrency: 4})
	if !errors.Is(err, bangwo8.ErrPaging) || !strings.Contains(err.Error(), "page 2 repeats page 1") {
		t.Fatalf("error %v, want ErrPaging", err)
	}
	if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
		t.Fatalf("a file was left: %v", statErr)
	}
	if n := len(srv.calls()); n > 12 {
		t.Errorf("%d calls before giving up", n)
	}
}

// A 200 answer with an error body fails the export instead of writing an empty file.
func TestExportRefusesAnErrorIn200(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"error": "ServiceUnavailable", "description": "系统维护中"}`))
	})
	out := filepath.Join(t.TempDir(), "out.xlsx")
	_, err := Run(context.Background(), literalClient(t, h), Options{Out: out})
	if err == nil || !strings.Contains(err.Error(), "系统维护中") {
		t.Fatalf("error %v", err)
	}
	if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
		t.Fatalf("a file was left: %v", statErr)
	}
}

// --sort and --order reach the service as the list's created_order/updated_order and the
// search's sort_by/sort_order.
func TestExportSort(t *testing.T) {
	for _, tt := range []struct {
		query string
		sort  Sort
		want  string
	}{
		{"", Sort{By: SortCreated, Order: bangwo8.Desc}, "created_order=desc"},
		{"", Sort{By: SortUpdated}, "updated_order=asc"},
		{"公司", Sort{By: SortUpdated, Order: bangwo8.Desc}, "sort_by=updateDT&sort_order=desc"},
		{"公司", Sort{}, "sort_by=createDT&sort_order=asc"},
	} {
		srv := &literalServer{total: 5, maxPerPage: 100}
		out := filepath.Join(t.TempDir(), "out.csv")
		if _, err := Run(context.Background(), literalClient(t, srv), Options{Out: out, Query: tt.query, Sort: tt.sort}); err != nil {
			t.Fatal(err)
		}
		if first := srv.calls()[0]; !strings.Contains(first, tt.want) {
			t.Errorf("%+v: asked %s, want %s", tt.sort, first, tt.want)
		}
	}
	for _, bad := range []Options{
		{Out: "x.csv", Sort: Sort{By: "name"}},
		{Out: "x.csv", Sort: Sort{Order: bangwo8.Desc}},
		{Out: "x.csv", Sort: Sort{By: SortCreated, Order: "down"}},
		{Out: "x.csv", Sort: Sort{By: SortCreated}, IDs: []int64{1}},
	} {
		if err := bad.Check(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: error %v", bad.Sort, err)
		}
	}
}

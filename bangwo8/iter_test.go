package bangwo8

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// pagedCompanies answers list (and, with search set, search) calls from companies 1..total.
func pagedCompanies(total int, search bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		page, perPage = pageOrDefault(page, perPage)
		var list []map[string]any
		for id := (page-1)*perPage + 1; id <= min(page*perPage, total); id++ {
			list = append(list, map[string]any{"uId": strconv.Itoa(id), "companyName": fmt.Sprint("公司", id)})
		}
		var body any = map[string]any{"companies": list}
		if search {
			var next any
			if page*perPage < total {
				next = fmt.Sprintf("http://elsewhere.example/search.json?page=%d", page+1)
			}
			body = map[string]any{"results": list, "count": total, "next_page": next, "previous_page": nil}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}
}

func TestAllCompanies(t *testing.T) {
	tests := []struct {
		name         string
		total        int
		opts         ListOptions
		stopAfter    int // break after this many companies; 0 = read all
		wantN        int
		wantRequests int
	}{
		// A short page is the end only when the page after it is empty.
		{"short last page", 250, ListOptions{PerPage: 100}, 0, 250, 4},
		{"empty last page", 200, ListOptions{PerPage: 100}, 0, 200, 3},
		{"no companies", 0, ListOptions{}, 0, 0, 1},
		{"default page size", 150, ListOptions{}, 0, 150, 3},
		{"from page 2", 250, ListOptions{Page: 2, PerPage: 100}, 0, 150, 3},
		{"break early", 250, ListOptions{PerPage: 100}, 5, 5, 1},
		{"break at a page end", 250, ListOptions{PerPage: 100}, 100, 100, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, pagedCompanies(tt.total, false))
			c, _ := newTestClient(t, ts)
			var ids []int64
			for co, err := range c.AllCompanies(context.Background(), tt.opts) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, co.UID)
				if len(ids) == tt.stopAfter {
					break
				}
			}
			if len(ids) != tt.wantN || ts.Hits() != tt.wantRequests {
				t.Fatalf("got %d companies in %d requests, want %d in %d", len(ids), ts.Hits(), tt.wantN, tt.wantRequests)
			}
			first := int64((max(tt.opts.Page, 1)-1)*max(tt.opts.PerPage, 0) + 1)
			for i, id := range ids {
				if id != first+int64(i) {
					t.Fatalf("company %d has id %d, want %d", i, id, first+int64(i))
				}
			}
		})
	}
}

func TestAllCompaniesStopsOnError(t *testing.T) {
	ts := newServer(t, pagedCompanies(300, false), reply(400, `{"error": "BadRequest"}`))
	c, _ := newTestClient(t, ts)
	n := 0
	var gotErr error
	for _, err := range c.AllCompanies(context.Background(), ListOptions{PerPage: 100}) {
		if err != nil {
			gotErr = err
			continue // the iterator must end by itself after an error
		}
		n++
	}
	if n != 100 || gotErr == nil || !strings.Contains(gotErr.Error(), "page 2") || ts.Hits() != 2 {
		t.Fatalf("%d companies, error %v, %d requests", n, gotErr, ts.Hits())
	}
}

func TestAllCompaniesBadOptions(t *testing.T) {
	ts := newServer(t, pagedCompanies(10, false))
	c, _ := newTestClient(t, ts)
	for _, err := range c.AllCompanies(context.Background(), ListOptions{CreatedOrder: "sideways"}) {
		if err == nil || !strings.Contains(err.Error(), "created_order") {
			t.Fatalf("error = %v", err)
		}
	}
	if ts.Hits() != 0 {
		t.Error("bad options reached the server")
	}
}

// A server that ignores page would make the iterator loop forever.
func TestAllCompaniesDetectsIgnoredPaging(t *testing.T) {
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		r.URL.RawQuery = "page=1&per_page=2"
		pagedCompanies(100, false)(w, r)
	})
	c, _ := newTestClient(t, ts)
	var gotErr error
	for _, err := range c.AllCompanies(context.Background(), ListOptions{PerPage: 2}) {
		gotErr = err
	}
	if gotErr == nil || !errors.Is(gotErr, ErrPaging) || !strings.Contains(gotErr.Error(), "page 2 repeats page 1: the server ignores the page parameter") || ts.Hits() != 2 {
		t.Fatalf("error %v after %d requests", gotErr, ts.Hits())
	}
}

func TestAllSearchResults(t *testing.T) {
	tests := []struct {
		name         string
		total        int
		perPage      int
		stopAfter    int
		wantN        int
		wantRequests int
	}{
		{"stops at count, without an empty page", 200, 100, 0, 200, 2},
		{"short last page", 250, 100, 0, 250, 3},
		{"nothing found", 0, 100, 0, 0, 1},
		{"break early", 250, 100, 3, 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, pagedCompanies(tt.total, true))
			c, _ := newTestClient(t, ts)
			n := 0
			for _, err := range c.AllSearchResults(context.Background(), "companyName:公司", SearchOptions{PerPage: tt.perPage}) {
				if err != nil {
					t.Fatal(err)
				}
				n++
				if n == tt.stopAfter {
					break
				}
			}
			if n != tt.wantN || ts.Hits() != tt.wantRequests {
				t.Fatalf("got %d results in %d requests, want %d in %d", n, ts.Hits(), tt.wantN, tt.wantRequests)
			}
			// next_page points elsewhere: the iterator never follows it.
			for _, r := range ts.Requests() {
				if r.Query["query"][0] != "companyName:公司" {
					t.Errorf("request lost the query: %v", r.Query)
				}
			}
		})
	}
}

func TestAllSearchResultsStopsOnError(t *testing.T) {
	ts := newServer(t, reply(500, `oops`))
	c, _ := newTestClient(t, ts, WithMaxRetries(0))
	errs := 0
	for _, err := range c.AllSearchResults(context.Background(), "a", SearchOptions{}) {
		if err != nil {
			errs++
		}
	}
	if errs != 1 || ts.Hits() != 1 {
		t.Fatalf("%d errors after %d requests", errs, ts.Hits())
	}
}

package sandbox_test

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	ts := newFixtureServer(t, sandboxtest.WithConfig(func(c *sandbox.Config) { c.Rate = 2 }))
	// The burst is one second's worth: two calls pass at once, the third does not.
	got := map[int]int{}
	var limited response
	for range 5 {
		r := call(t, ts, "GET", "/api/v1/companies.json", nil)
		got[r.status]++
		if r.status == http.StatusTooManyRequests {
			limited = r
		}
	}
	if got[200] < 2 || got[429] == 0 {
		t.Fatalf("statuses %v, want 2 passes then 429s", got)
	}
	limited.apiErr(t, http.StatusTooManyRequests, sandbox.CodeTooManyRequests)
	secs, err := strconv.Atoi(limited.header.Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Errorf("Retry-After %q, want whole seconds, at least 1", limited.header.Get("Retry-After"))
	}
	// The limit holds before authentication too: a flood of bad guesses is limited as well.
	if r := callAs(t, ts, "x", "y", "GET", "/api/v1/companies.json", nil); r.status != 429 {
		t.Errorf("unauthenticated call at the limit: %d, want 429", r.status)
	}
}

func TestLatencyDelaysAndRespectsCancellation(t *testing.T) {
	var reached atomic.Int32
	count := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reached.Add(1)
			next.ServeHTTP(w, r)
		})
	}
	ts := newFixtureServer(t, sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Latency = 200 * time.Millisecond
		c.Middleware = append(c.Middleware, count)
	}))
	start := time.Now()
	call(t, ts, "GET", "/api/v1/companies/11.json", nil).wantStatus(t, 200)
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Errorf("answered after %v, want at least the latency", elapsed)
	}
	if reached.Load() != 1 {
		t.Fatalf("middleware reached %d times, want 1", reached.Load())
	}
	// A client that gives up during the latency never reaches the API.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/v1/companies/11.json", nil)
	req.SetBasicAuth(ts.Account, ts.Password)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a cancelled request was answered")
	}
	time.Sleep(300 * time.Millisecond) // past the latency: the handler would have run by now
	if reached.Load() != 1 {
		t.Errorf("a cancelled request reached the API")
	}
}

func TestMiddlewareOrderAndBaseURL(t *testing.T) {
	var order []string
	mark := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				order = append(order, name)
				next.ServeHTTP(w, r)
			})
		}
	}
	ts := newFixtureServer(t, sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = []func(http.Handler) http.Handler{mark("outer"), mark("inner")}
		c.BaseURL = "https://www.bangwo8.com/"
	}))
	// Unauthenticated calls stop before the fault-injection seam.
	callAs(t, ts, "", "", "GET", "/api/v1/companies/11.json", nil).wantStatus(t, 401)
	if len(order) != 0 {
		t.Errorf("middleware ran for an unauthenticated call: %v", order)
	}
	r := call(t, ts, "POST", "/api/v1/companies.json", `{"company": {"companyName": "x"}}`).wantStatus(t, 200)
	if len(order) != 2 || order[0] != "outer" || order[1] != "inner" {
		t.Errorf("middleware order %v, want [outer inner]", order)
	}
	if loc := r.header.Get("Location"); loc != "https://www.bangwo8.com/api/v1/companies/17.json" {
		t.Errorf("Location %q with BaseURL set", loc)
	}
}

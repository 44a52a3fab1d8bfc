package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// fixedNow is the clock of the tests: 2024-05-06 07:08:09 in China.
var fixedNow = time.Date(2024, 5, 6, 7, 8, 9, 0, sandbox.ChinaTime)

// fixture returns testdata/companies.json.
func fixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/companies.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newFixtureServer serves the fixture companies with the fixed clock.
func newFixtureServer(t testing.TB, opts ...sandboxtest.Option) *sandboxtest.Server {
	t.Helper()
	opts = append([]sandboxtest.Option{sandboxtest.WithFixtures(fixture(t)), sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Now = func() time.Time { return fixedNow }
	})}, opts...)
	return sandboxtest.NewServer(t, opts...)
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends an authenticated request; body is sent as it is when a string, else as JSON.
func call(t testing.TB, ts *sandboxtest.Server, method, path string, body any) response {
	t.Helper()
	return callAs(t, ts, ts.Account, ts.Password, method, path, body)
}

func callAs(t testing.TB, ts *sandboxtest.Server, account, password, method, path string, body any) response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, ts.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if account != "" || password != "" {
		req.SetBasicAuth(account, password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// wantStatus fails unless the answer has the status.
func (r response) wantStatus(t testing.TB, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// decode decodes the body into v.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
}

// apiErr decodes an error body and checks its code.
func (r response) apiErr(t testing.TB, status int, code string) sandbox.APIError {
	t.Helper()
	r.wantStatus(t, status)
	var e sandbox.APIError
	r.decode(t, &e)
	if e.Code != code || e.Description == "" {
		t.Fatalf("error body %s, want code %s and a description", r.body, code)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON", ct)
	}
	return e
}

// company is a company as the tests read it.
type company map[string]any

func (c company) uid() int64 { return int64(c["uId"].(float64)) }

// companies decodes {"companies": [...]}.
func (r response) companies(t testing.TB) []company {
	t.Helper()
	var out struct {
		Companies []company `json:"companies"`
	}
	r.wantStatus(t, http.StatusOK).decode(t, &out)
	if out.Companies == nil {
		t.Fatalf("body %s has no companies array", r.body)
	}
	return out.Companies
}

// company decodes {"company": {...}}.
func (r response) company(t testing.TB) company {
	t.Helper()
	var out struct {
		Company company `json:"company"`
	}
	r.decode(t, &out)
	if out.Company == nil {
		t.Fatalf("body %s has no company", r.body)
	}
	return out.Company
}

// uids lists the ids of companies in order.
func uids(cs []company) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.uid()
	}
	return out
}

// listUIDs lists the ids a GET of path answers.
func listUIDs(t testing.TB, ts *sandboxtest.Server, path string) []int64 {
	t.Helper()
	return uids(call(t, ts, "GET", path, nil).companies(t))
}

package bangwo8_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// These tests run the client against the sandbox: the two were written independently from
// the vendor's documentation of the API, so agreement here is evidence that both read it the
// same way.

func newSandboxClient(t *testing.T, opts ...sandboxtest.Option) (*bangwo8.Client, *sandboxtest.Server) {
	t.Helper()
	ts := sandboxtest.NewServer(t, opts...)
	c, err := bangwo8.NewClient(ts.URL, bangwo8.WithBasicAuth(ts.Account, ts.Password))
	if err != nil {
		t.Fatal(err)
	}
	return c, ts
}

func TestClientAgainstSandboxCRUD(t *testing.T) {
	ctx := context.Background()
	c, _ := newSandboxClient(t)

	in := bangwo8.CompanyInput{
		CompanyName:      bangwo8.Ptr("北京金万维科技有限公司"),
		ServiceStartTime: bangwo8.Ptr("2017-01-01"),
		ServiceAccount:   bangwo8.Ptr("gnkefu"),
		Province:         bangwo8.Ptr("北京"),
		CustomFields: []bangwo8.CustomField{
			{Key: "field_1", Value: bangwo8.List("北京市", "二级1", "三级1")},
			{Key: "fxk", Value: bangwo8.Text("是")},
			{Key: "gjfx", Value: bangwo8.Text("4672422,4672423")},
		},
	}
	created, resp, err := c.CreateCompany(ctx, in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.UID == 0 || !strings.HasSuffix(resp.Location, fmt.Sprintf("/api/v1/companies/%d.json", created.UID)) {
		t.Fatalf("create: uId %d, Location %q", created.UID, resp.Location)
	}

	got, _, err := c.GetCompany(ctx, created.UID)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.CompanyName != "北京金万维科技有限公司" || got.ServiceStartTime != "2017-01-01" || got.ServiceEndTime != "" {
		t.Errorf("get: %+v", got)
	}
	if v, ok := got.Custom("field_1"); !ok || !v.Equal(bangwo8.List("北京市", "二级1", "三级1")) {
		t.Errorf("cascade field came back as %v (present %v)", v, ok)
	}
	if v, _ := got.Custom("gjfx"); !v.Equal(bangwo8.Text("4672422,4672423")) {
		t.Errorf("option ids came back as %#v", v)
	}
	if got.Status != bangwo8.StatusActive {
		t.Errorf("status = %d, want 1", got.Status)
	}

	// A partial update changes only what it names.
	upd, _, err := c.UpdateCompany(ctx, created.UID, bangwo8.CompanyInput{Address: bangwo8.Ptr("北京市丰台区汉威国际广场")})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if upd.Address != "北京市丰台区汉威国际广场" || upd.ServiceAccount != "gnkefu" || upd.ServiceStartTime != "2017-01-01" {
		t.Errorf("update lost or missed fields: %+v", upd)
	}

	// Soft delete: gone from the default list, present with IncludeDeleted.
	if _, _, err := c.UpdateCompany(ctx, created.UID, bangwo8.CompanyInput{Status: bangwo8.Ptr(bangwo8.StatusDeleted)}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	list, _, err := c.ListCompanies(ctx, nil)
	if err != nil || len(list) != 0 {
		t.Fatalf("default list after delete: %d companies, err %v", len(list), err)
	}
	list, _, err = c.ListCompanies(ctx, &bangwo8.ListOptions{IncludeDeleted: true})
	if err != nil || len(list) != 1 || !list[0].Deleted() {
		t.Fatalf("list with deleted: %+v, err %v", list, err)
	}
}

func TestClientAgainstSandboxErrors(t *testing.T) {
	ctx := context.Background()
	c, ts := newSandboxClient(t)

	_, _, err := c.GetCompany(ctx, 999999)
	if !bangwo8.IsNotFound(err) {
		t.Errorf("unknown id: %v, want not found", err)
	}
	// The client refuses an empty name itself; nothing reaches the server.
	_, _, err = c.CreateCompany(ctx, bangwo8.CompanyInput{CompanyName: bangwo8.Ptr("")})
	var apiErr *bangwo8.APIError
	if err == nil || errors.As(err, &apiErr) {
		t.Errorf("empty name: %v, want a local error", err)
	}
	_, _, err = c.CreateCompany(ctx, bangwo8.CompanyInput{CompanyName: bangwo8.Ptr("x"), ServiceStartTime: bangwo8.Ptr("2017-02-31")})
	if !bangwo8.IsValidation(err) || !errors.As(err, &apiErr) || len(apiErr.Details["servicestarttime"]) == 0 {
		t.Errorf("31 Feb: %v, want 422 with details for servicestarttime", err)
	}
	if n, _ := ts.Store.Count(ctx, true); n != 0 {
		t.Errorf("refused creates left %d companies", n)
	}

	bad, err := bangwo8.NewClient(ts.URL, bangwo8.WithBasicAuth(ts.Account, "wrong-password-123"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = bad.ListCompanies(ctx, nil)
	if !bangwo8.IsUnauthorized(err) {
		t.Errorf("wrong password: %v, want 401", err)
	}
	if strings.Contains(err.Error(), "wrong-password-123") {
		t.Errorf("error text carries the password: %v", err)
	}
}

func TestClientAgainstSandboxPagingAndSearch(t *testing.T) {
	ctx := context.Background()
	c, _ := newSandboxClient(t, sandboxtest.WithSeed(1234, 7))

	var n int
	var last int64
	for co, err := range c.AllCompanies(ctx, bangwo8.ListOptions{PerPage: 100, IncludeDeleted: true}) {
		if err != nil {
			t.Fatal(err)
		}
		if co.UID <= last {
			t.Fatalf("ids not ascending: %d after %d", co.UID, last)
		}
		last = co.UID
		n++
	}
	if n != 1234 {
		t.Fatalf("paged %d companies, want 1234", n)
	}

	// A search for a name fragment agrees with filtering the full list locally.
	first, _, err := c.ListCompanies(ctx, &bangwo8.ListOptions{PerPage: 1})
	if err != nil || len(first) != 1 {
		t.Fatal(err)
	}
	frag := []rune(first[0].CompanyName)[:2]
	q, err := bangwo8.Query{}.Name(string(frag)).Build()
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for co, err := range c.AllCompanies(ctx, bangwo8.ListOptions{PerPage: 500}) {
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(co.CompanyName, string(frag)) {
			want++
		}
	}
	got := 0
	for co, err := range c.AllSearchResults(ctx, q, bangwo8.SearchOptions{PerPage: 50, SortBy: bangwo8.SortByCreated, SortOrder: bangwo8.Asc}) {
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(co.CompanyName, string(frag)) {
			t.Errorf("search hit %q does not contain %q", co.CompanyName, string(frag))
		}
		got++
	}
	if got != want || got == 0 {
		t.Errorf("search %q found %d, list filtering found %d", q, got, want)
	}

	// show_many leaves unknown ids out.
	many, _, err := c.ShowMany(ctx, []int64{first[0].UID, 99999999})
	if err != nil || len(many) != 1 || many[0].UID != first[0].UID {
		t.Errorf("show_many: %+v, %v", many, err)
	}
}

func TestClientAgainstSandboxRateLimit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _ := newSandboxClient(t, sandboxtest.WithSeed(10, 1), sandboxtest.WithConfig(func(cfg *sandbox.Config) { cfg.Rate = 5 }))
	first, _, err := c.ListCompanies(ctx, &bangwo8.ListOptions{PerPage: 1})
	if err != nil || len(first) != 1 {
		t.Fatal(err)
	}
	// 5 rps with a burst of 5: the 6th call in the same second is answered 429, and the client
	// retries it after Retry-After instead of failing.
	start := time.Now()
	for i := range 8 {
		if _, _, err := c.GetCompany(ctx, first[0].UID); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if time.Since(start) < 500*time.Millisecond {
		t.Errorf("9 calls at 5 rps finished in %v: the sandbox did not limit", time.Since(start))
	}
}

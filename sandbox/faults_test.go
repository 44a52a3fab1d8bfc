package sandbox_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func TestParseFaults(t *testing.T) {
	tests := []struct {
		spec string
		want sandbox.Faults
	}{
		{"", sandbox.Faults{}},
		{"error500=0.1,ratelimit429=0.05,lost-response=0.03,reset=0.02",
			sandbox.Faults{Error500: 0.1, RateLimit429: 0.05, LostResponse: 0.03, Reset: 0.02}},
		{" slow=0.5:200ms , error500=1e-1 ", sandbox.Faults{Slow: 0.5, SlowFor: 200 * time.Millisecond, Error500: 0.1}},
		{"reset=1", sandbox.Faults{Reset: 1}},
		{"error500=0,", sandbox.Faults{}},
	}
	for _, tt := range tests {
		got, err := sandbox.ParseFaults(tt.spec)
		if err != nil || got != tt.want {
			t.Errorf("ParseFaults(%q) = %+v, %v; want %+v", tt.spec, got, err, tt.want)
		}
		if again, err := sandbox.ParseFaults(got.String()); err != nil || again != got {
			t.Errorf("ParseFaults(%q.String() = %q) = %+v, %v", tt.spec, got.String(), again, err)
		}
	}
}

func TestParseFaultsErrorsNameTheItem(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"error500", `"error500": want kind=probability`},
		{"error500=x", `"error500=x": the probability "x"`},
		{"error500=1.5", `the probability "1.5"`},
		{"error500=-0.1", `the probability "-0.1"`},
		{"error500=NaN", `the probability "NaN"`},
		{"timeout=0.1", `unknown kind "timeout"`},
		{"reset=0.1,reset=0.2", `reset is given twice`},
		{"slow=0.1", `want slow=probability:duration`},
		{"slow=0.1:soon", `the delay "soon"`},
		{"slow=2:1s", `the probability "2"`},
		{"error500=0.6,reset=0.5", "add up to 1.1"},
	}
	for _, tt := range tests {
		_, err := sandbox.ParseFaults(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseFaults(%q) error %v, want it to contain %q", tt.spec, err, tt.want)
		}
	}
}

// faultServer serves the fixtures with every request getting f.
func faultServer(t *testing.T, f sandbox.Faults) (*sandboxtest.Server, *sandbox.FaultInjector) {
	t.Helper()
	fi := sandbox.NewFaultInjector(f)
	ts := newFixtureServer(t, sandboxtest.WithConfig(func(c *sandbox.Config) { c.Middleware = append(c.Middleware, fi.Middleware) }))
	return ts, fi
}

func countCompanies(t *testing.T, ts *sandboxtest.Server) int {
	t.Helper()
	n, err := ts.Store.Count(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// post sends a create and returns the answer's status, or the transport error.
func post(t *testing.T, ts *sandboxtest.Server, account string) (int, http.Header, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/companies.json",
		strings.NewReader(`{"company":{"companyName":"故障测试","serviceaccount":"`+account+`"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(ts.Account, ts.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header, nil
}

func TestFaultKindsOverHTTP(t *testing.T) {
	tests := []struct {
		name       string
		faults     sandbox.Faults
		wantStatus int  // 0: no answer at all
		committed  bool // the create is in the store afterwards
		counted    func(sandbox.FaultCounts) int64
	}{
		{"error500", sandbox.Faults{Error500: 1}, http.StatusInternalServerError, false, func(c sandbox.FaultCounts) int64 { return c.Error500 }},
		{"ratelimit429", sandbox.Faults{RateLimit429: 1, RetryAfter: 2 * time.Second}, http.StatusTooManyRequests, false, func(c sandbox.FaultCounts) int64 { return c.RateLimit429 }},
		{"lost-response", sandbox.Faults{LostResponse: 1}, 0, true, func(c sandbox.FaultCounts) int64 { return c.LostResponse }},
		{"reset", sandbox.Faults{Reset: 1}, 0, false, func(c sandbox.FaultCounts) int64 { return c.Reset }},
		{"none", sandbox.Faults{}, http.StatusOK, true, func(c sandbox.FaultCounts) int64 { return c.Requests - c.Injected() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, fi := faultServer(t, tt.faults)
			before := countCompanies(t, ts)
			status, header, err := post(t, ts, "fault-"+tt.name)
			switch {
			case tt.wantStatus == 0 && err == nil:
				t.Fatalf("answered %d, want the connection dropped", status)
			case tt.wantStatus != 0 && (err != nil || status != tt.wantStatus):
				t.Fatalf("answer %d, %v; want %d", status, err, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusTooManyRequests && header.Get("Retry-After") != "2" {
				t.Errorf("Retry-After %q, want 2", header.Get("Retry-After"))
			}
			want := before
			if tt.committed {
				want++
			}
			if got := countCompanies(t, ts); got != want {
				t.Errorf("store holds %d companies after the call, want %d", got, want)
			}
			c := fi.Counts()
			if c.Requests != 1 || tt.counted(c) != 1 {
				t.Errorf("counts %v, want one request with one %s", c, tt.name)
			}
		})
	}
}

func TestFaultsSpareUnauthenticatedCalls(t *testing.T) {
	ts, fi := faultServer(t, sandbox.Faults{Reset: 1})
	r := callAs(t, ts, ts.Account, "wrong", http.MethodGet, "/api/v1/companies.json", nil)
	r.apiErr(t, http.StatusUnauthorized, sandbox.CodeUnauthorized)
	if c := fi.Counts(); c.Requests != 0 {
		t.Errorf("counts %v: a call with wrong credentials reached the faults", c)
	}
}

func TestSlowFaultDelaysTheAnswer(t *testing.T) {
	ts, fi := faultServer(t, sandbox.Faults{Slow: 1, SlowFor: 150 * time.Millisecond})
	start := time.Now()
	call(t, ts, http.MethodGet, "/api/v1/companies/11.json", nil).wantStatus(t, http.StatusOK)
	if elapsed := time.Since(start); elapsed < 150*time.Millisecond {
		t.Errorf("answered after %v, want at least 150ms", elapsed)
	}
	if c := fi.Counts(); c.Slow != 1 || c.Injected() != 0 {
		t.Errorf("counts %v, want one slow answer and nothing else", c)
	}
	if !strings.Contains(fi.Counts().String(), "slow=1") {
		t.Errorf("String %q", fi.Counts().String())
	}
}

func FuzzParseFaults(f *testing.F) {
	for _, s := range []string{"", "error500=0.1,ratelimit429=0.05,lost-response=0.03,reset=0.02", "slow=0.1:200ms", "reset=1", "x=", "slow=1:-1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		got, err := sandbox.ParseFaults(spec)
		if err != nil {
			if got != (sandbox.Faults{}) {
				t.Errorf("error %v with non-zero faults %+v", err, got)
			}
			return
		}
		if err := got.Validate(); err != nil {
			t.Errorf("parsed %+v is invalid: %v", got, err)
		}
		again, err := sandbox.ParseFaults(got.String())
		if err != nil || again != got {
			t.Errorf("round trip of %q: %+v, %v; want %+v", got.String(), again, err, got)
		}
	})
}

package bangwo8

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
)

func isMaybeCreated(err error) bool { return errors.Is(err, ErrMaybeCreated) }

func TestErrorAnswers(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error, apiErr *APIError)
		text    []string // in err.Error()
	}{
		{"404 invalid resource URI", reply(404, `{"message": "Invalid resource URI"}`), func(t *testing.T, err error, e *APIError) {
			if !IsNotFound(err) || e.Description != "Invalid resource URI" {
				t.Errorf("%+v", e)
			}
		}, []string{"GET /api/v1/companies/5.json", "404 Not Found", "Invalid resource URI"}},
		{"404 ours", reply(404, `{"error": "NotFound", "description": "no company 5"}`), func(t *testing.T, err error, e *APIError) {
			if !IsNotFound(err) || e.Code != "NotFound" {
				t.Errorf("%+v", e)
			}
		}, []string{"NotFound: no company 5"}},
		{"401 with JSON body", reply(401, `{"error": "Unauthorized", "description": "wrong account or password"}`), func(t *testing.T, err error, e *APIError) {
			if !IsUnauthorized(err) || IsNotFound(err) || e.Code != "Unauthorized" {
				t.Errorf("%+v", e)
			}
		}, []string{"401 Unauthorized", "wrong account or password"}},
		{"422 with details", reply(422, `{"error": "Invalid", "description": "bad fields", "details": {"status": ["must be 1 or 2"], "companyName": ["empty"]}}`), func(t *testing.T, err error, e *APIError) {
			want := map[string][]string{"status": {"must be 1 or 2"}, "companyName": {"empty"}}
			if !IsValidation(err) || !reflect.DeepEqual(e.Details, want) {
				t.Errorf("%+v", e)
			}
		}, []string{"companyName: empty; status: must be 1 or 2"}},
		{"200 with errcode", reply(200, `{"errcode": 40001, "errmsg": "invalid credential"}`), func(t *testing.T, err error, e *APIError) {
			if e.StatusCode != 200 || e.Code != "40001" || e.Description != "invalid credential" || e.Method != "GET" {
				t.Errorf("%+v", e)
			}
		}, []string{"200 OK: 40001: invalid credential"}},
		{"200 with string code", reply(200, `{"code": "E100", "message": "quota"}`), func(t *testing.T, err error, e *APIError) {
			if e.Code != "E100" || e.Description != "quota" {
				t.Errorf("%+v", e)
			}
		}, []string{"E100: quota"}},
		{"502 with HTML", reply(502, "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>"), func(t *testing.T, err error, e *APIError) {
			if e.StatusCode != 502 || e.Code != "" || !strings.Contains(e.Body, "<title>502 Bad Gateway</title>") {
				t.Errorf("%+v", e)
			}
		}, []string{"502 Bad Gateway", "nginx", "gave up after"}},
		{"400 with text", reply(400, "per_page must be a number"), func(t *testing.T, err error, e *APIError) {
			if e.Body != "per_page must be a number" {
				t.Errorf("%+v", e)
			}
		}, []string{"400 Bad Request", "per_page must be a number"}},
		{"long body cut", reply(500, "<p>"+strings.Repeat("错误 ", 500)+"</p>"), func(t *testing.T, err error, e *APIError) {
			if len(e.Body) > snippetLen+len("…") || !strings.HasSuffix(e.Body, "…") {
				t.Errorf("snippet of %d bytes: %q", len(e.Body), e.Body)
			}
		}, []string{"500 Internal Server Error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, tt.handler)
			c, _ := newTestClient(t, ts, WithMaxRetries(1))
			_, _, err := c.GetCompany(context.Background(), 5)
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T) is not an *APIError", err, err)
			}
			tt.check(t, err, apiErr)
			for _, want := range tt.text {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "invalid character") {
				t.Errorf("error %q is a JSON decode error", err)
			}
		})
	}
}

func TestZeroCodeIsSuccess(t *testing.T) {
	for _, body := range []string{
		`{"code": 0, "company": {"uId": 1}}`,
		`{"errcode": "0", "errmsg": "ok", "company": {"uId": 1}}`,
		`{"code": null, "company": {"uId": 1}}`,
	} {
		ts := newServer(t, reply(200, body))
		c, _ := newTestClient(t, ts)
		if co, _, err := c.GetCompany(context.Background(), 1); err != nil || co.UID != 1 {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestRetries(t *testing.T) {
	ok := reply(200, `{"company": {"uId": 1, "companyName": "a"}}`)
	unavailable := reply(503, `{"error": "Unavailable"}`)
	tests := []struct {
		name         string
		method       string
		handlers     []http.HandlerFunc
		wantAttempts int
		wantErr      bool
		wantMaybe    bool
		wantSleeps   []time.Duration // nil: only count them
		wantNSleeps  int
	}{
		{"GET retried after 503s", "GET", []http.HandlerFunc{unavailable, unavailable, ok}, 3, false, false, nil, 2},
		{"GET gives up", "GET", []http.HandlerFunc{unavailable}, 4, true, false, nil, 3},
		{"GET retried after a dropped connection", "GET", []http.HandlerFunc{dropConnection, ok}, 2, false, false, nil, 1},
		{"GET not retried after 404", "GET", []http.HandlerFunc{reply(404, `{}`), ok}, 1, true, false, nil, 0},
		{"GET not retried after 401", "GET", []http.HandlerFunc{reply(401, `{}`), ok}, 1, true, false, nil, 0},
		{"GET retried after 429, seconds", "GET", []http.HandlerFunc{reply(429, `{}`, "Retry-After", "7"), ok}, 2, false, false, []time.Duration{7 * time.Second}, 1},
		{"GET retried after 429, HTTP date", "GET", []http.HandlerFunc{
			reply(429, `{}`, "Retry-After", testNow.Add(90*time.Second).Format(http.TimeFormat)), ok,
		}, 2, false, false, []time.Duration{90 * time.Second}, 1},
		{"PUT retried after 500", "PUT", []http.HandlerFunc{reply(500, `{}`), ok}, 2, false, false, nil, 1},
		{"PUT retried after a dropped connection", "PUT", []http.HandlerFunc{dropConnection, dropConnection, ok}, 3, false, false, nil, 2},
		{"PUT not retried after 422", "PUT", []http.HandlerFunc{reply(422, `{}`), ok}, 1, true, false, nil, 0},
		{"POST not retried after 503, ambiguous", "POST", []http.HandlerFunc{unavailable, ok}, 1, true, true, nil, 0},
		{"POST not retried after a dropped connection, ambiguous", "POST", []http.HandlerFunc{dropConnection, ok}, 1, true, true, nil, 0},
		{"POST not retried after an unreadable 201, ambiguous", "POST", []http.HandlerFunc{reply(201, `{"company": `), ok}, 1, true, true, nil, 0},
		{"POST retried after 429: it created nothing", "POST", []http.HandlerFunc{reply(429, `{}`, "Retry-After", "2"), ok}, 2, false, false, []time.Duration{2 * time.Second}, 1},
		{"POST gives up after 429s, not ambiguous", "POST", []http.HandlerFunc{reply(429, `{}`)}, 4, true, false, nil, 3},
		{"POST not retried after 400, not ambiguous", "POST", []http.HandlerFunc{reply(400, `{}`), ok}, 1, true, false, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, tt.handlers...)
			c, rec := newTestClient(t, ts, WithMaxRetries(3))
			var resp *Response
			var err error
			ctx := context.Background()
			switch tt.method {
			case "GET":
				_, resp, err = c.GetCompany(ctx, 1)
			case "PUT":
				_, resp, err = c.UpdateCompany(ctx, 1, CompanyInput{ServeNote: Ptr("备注")})
			case "POST":
				_, resp, err = c.CreateCompany(ctx, CompanyInput{CompanyName: Ptr("a")})
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if isMaybeCreated(err) != tt.wantMaybe {
				t.Errorf("errors.Is(%v, ErrMaybeCreated) = %v, want %v", err, !tt.wantMaybe, tt.wantMaybe)
			}
			if resp == nil || resp.Attempts != tt.wantAttempts || ts.Hits() != tt.wantAttempts {
				t.Errorf("attempts %+v, server hits %d; want %d", resp, ts.Hits(), tt.wantAttempts)
			}
			delays := rec.Delays()
			if len(delays) != tt.wantNSleeps {
				t.Errorf("slept %v, want %d sleeps", delays, tt.wantNSleeps)
			}
			if tt.wantSleeps != nil && !reflect.DeepEqual(delays, tt.wantSleeps) {
				t.Errorf("slept %v, want %v", delays, tt.wantSleeps)
			}
			if err != nil && !strings.Contains(err.Error(), tt.method+" /api/v1/companies") {
				t.Errorf("error %q does not name the call", err)
			}
			// Every attempt of a write sends the same body.
			reqs := ts.Requests()
			for _, r := range reqs[1:] {
				if r.Body != reqs[0].Body {
					t.Errorf("retry sent %q, first attempt %q", r.Body, reqs[0].Body)
				}
			}
			if tt.method != "GET" && reqs[0].Body == "" {
				t.Error("write sent no body")
			}
		})
	}
}

func TestRateLimitErrorCarriesRetryAfter(t *testing.T) {
	ts := newServer(t, reply(429, `{"error": "TooManyRequests", "description": "slow down"}`, "Retry-After", "12"))
	c, _ := newTestClient(t, ts, WithMaxRetries(0))
	_, _, err := c.GetCompany(context.Background(), 1)
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 12*time.Second || rl.Code != "TooManyRequests" {
		t.Fatalf("error = %v (%T)", err, err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || !IsRateLimited(err) {
		t.Errorf("a rate limit error is not an *APIError with 429: %v", err)
	}
	if !strings.Contains(err.Error(), "retry after 12s") {
		t.Errorf("error %q does not say when to retry", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"5", 5 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"-3", 0},
		{"1.5", 0},
		{"99999999999", 24 * time.Hour},
		{testNow.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{testNow.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"Monday, 06-May-24 07:08:19 GMT", 10 * time.Second}, // RFC 850
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, testNow); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNoRetryWithoutRetryAfterUsesBackoff(t *testing.T) {
	ts := newServer(t, reply(429, `{}`), reply(200, `{"company": {"uId": 1}}`))
	c, rec := newTestClient(t, ts)
	if _, _, err := c.GetCompany(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	if d := rec.Delays(); len(d) != 1 || d[0] > ratelimit.DefaultBackoffBase {
		t.Errorf("slept %v, want one backoff of at most %v", d, ratelimit.DefaultBackoffBase)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	ok := reply(200, `{"company": {"uId": 1}}`)

	ts := newServer(t, slow, ok)
	c, _ := newTestClient(t, ts, WithTimeout(30*time.Millisecond))
	_, resp, err := c.GetCompany(context.Background(), 1)
	if err != nil || resp.Attempts != 2 {
		t.Fatalf("GET after a timed-out attempt: %v, attempts %d", err, resp.Attempts)
	}

	ts = newServer(t, slow, ok)
	c, _ = newTestClient(t, ts, WithTimeout(30*time.Millisecond))
	_, resp, err = c.CreateCompany(context.Background(), CompanyInput{CompanyName: Ptr("a")})
	var amb *AmbiguousWriteError
	if !errors.As(err, &amb) || !isMaybeCreated(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timed-out POST: %v (%T), want an AmbiguousWriteError wrapping the deadline", err, err)
	}
	if resp.Attempts != 1 || amb.Method != "POST" || amb.Path != "/api/v1/companies.json" {
		t.Errorf("attempts %d, %s %s", resp.Attempts, amb.Method, amb.Path)
	}
}

func TestPostToAClosedPortIsNotAmbiguous(t *testing.T) {
	ts := newServer(t, reply(200, `{}`))
	c, rec := newTestClient(t, ts, WithMaxRetries(2))
	ts.Close() // nothing listens any more: the dial fails before anything is sent
	_, resp, err := c.CreateCompany(context.Background(), CompanyInput{CompanyName: Ptr("a")})
	if err == nil || isMaybeCreated(err) {
		t.Fatalf("error = %v; a create that could not connect is certainly not created", err)
	}
	if resp.Attempts != 3 || len(rec.Delays()) != 2 || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("attempts %d, sleeps %v, error %q; want 3 attempts (2 retries)", resp.Attempts, rec.Delays(), err)
	}
}

// TestCreateRetriedWhenItCertainlyDidNotHappen: a create that got a 429, or whose connection
// could not be opened, is sent again and creates one company; one whose answer was a 500 is
// not, and says it may have happened.
func TestCreateRetriedWhenItCertainlyDidNotHappen(t *testing.T) {
	var created atomic.Int32
	create := func(w http.ResponseWriter, r *http.Request) {
		n := created.Add(1)
		reply(201, fmt.Sprintf(`{"company": {"uId": %d, "companyName": "a"}}`, n), "Location", fmt.Sprintf("/api/v1/companies/%d.json", n))(w, r)
	}
	ctx := context.Background()
	in := CompanyInput{CompanyName: Ptr("a")}

	ts := newServer(t, reply(429, `{"error": "TooManyRequests"}`), reply(429, `{}`, "Retry-After", "1"), create)
	c, rec := newTestClient(t, ts, WithMaxRetries(3))
	co, resp, err := c.CreateCompany(ctx, in)
	if err != nil || co.UID != 1 || created.Load() != 1 {
		t.Fatalf("create after two 429s: %v, %+v, %d created", err, co, created.Load())
	}
	if resp.Attempts != 3 || ts.Hits() != 3 || len(rec.Delays()) != 2 || rec.Delays()[1] != time.Second {
		t.Errorf("attempts %d, hits %d, sleeps %v; want 3, 3 and a 1s wait for the Retry-After", resp.Attempts, ts.Hits(), rec.Delays())
	}

	// The first dial is refused (as when the service restarts); the second connects.
	ts = newServer(t, create)
	var dials atomic.Int32
	dialer := &net.Dialer{}
	transport := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		return dialer.DialContext(ctx, network, addr)
	}}
	c, _ = newTestClient(t, ts, WithMaxRetries(3), WithHTTPClient(&http.Client{Transport: transport}))
	co, resp, err = c.CreateCompany(ctx, in)
	if err != nil || co.UID != 2 || resp.Attempts != 2 || ts.Hits() != 1 {
		t.Fatalf("create after a refused dial: %v, %+v, attempts %d, hits %d", err, co, resp.Attempts, ts.Hits())
	}

	ts = newServer(t, reply(500, `{}`), create)
	c, rec = newTestClient(t, ts, WithMaxRetries(3))
	_, resp, err = c.CreateCompany(ctx, in)
	var amb *AmbiguousWriteError
	if !errors.As(err, &amb) || !isMaybeCreated(err) || resp.Attempts != 1 || ts.Hits() != 1 || len(rec.Delays()) != 0 {
		t.Errorf("create after a 500: %v, attempts %d, hits %d, sleeps %v; want an AmbiguousWriteError at once", err, resp.Attempts, ts.Hits(), rec.Delays())
	}
	if statusOf(err) != http.StatusInternalServerError {
		t.Errorf("the ambiguous error hides the 500: %v", err)
	}
}

// TestWithBackoff: without a pacer the client waits WithBackoff's delays; with one, the pacer's.
func TestWithBackoff(t *testing.T) {
	unavailable := reply(503, `{}`)
	ts := newServer(t, unavailable)
	c, rec := newTestClient(t, ts, WithMaxRetries(5), WithBackoff(time.Millisecond, 2*time.Millisecond))
	if _, _, err := c.GetCompany(context.Background(), 1); err == nil {
		t.Fatal("no error after 503s")
	}
	if d := rec.Delays(); len(d) != 5 || slices.Max(d) > 2*time.Millisecond {
		t.Errorf("slept %v, want 5 delays of at most 2ms", d)
	}

	clock := &fakeClock{now: testNow}
	pacer := ratelimit.New(ratelimit.Config{Clock: clock, BackoffBase: time.Microsecond, BackoffMax: time.Microsecond})
	ts = newServer(t, unavailable)
	c, rec = newTestClient(t, ts, WithMaxRetries(3), WithBackoff(time.Hour, time.Hour), WithPacer(pacer))
	if _, _, err := c.GetCompany(context.Background(), 1); err == nil {
		t.Fatal("no error after 503s")
	}
	if d := rec.Delays(); len(d) != 3 || slices.Max(d) > time.Microsecond {
		t.Errorf("slept %v, want the pacer's backoff (at most 1µs), not WithBackoff's", d)
	}

	for _, bad := range [][2]time.Duration{{0, time.Second}, {time.Second, time.Millisecond}, {-1, -1}} {
		if _, err := NewClient("http://example.com", WithBackoff(bad[0], bad[1])); err == nil {
			t.Errorf("WithBackoff(%v, %v) accepted", bad[0], bad[1])
		}
	}
}

// fakeClock is virtual time for the pacer: Sleep moves the clock at once.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return ctx.Err()
}

func TestPacerIsToldAndHonoured(t *testing.T) {
	clock := &fakeClock{now: testNow}
	pacer := ratelimit.New(ratelimit.Config{RPS: 100, Burst: 10, Clock: clock, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond})
	ts := newServer(t,
		reply(429, `{}`, "Retry-After", "3"),
		reply(503, `{}`),
		reply(200, `{"company": {"uId": 1}}`))
	c, rec := newTestClient(t, ts, WithPacer(pacer))
	_, resp, err := c.GetCompany(context.Background(), 1)
	if err != nil || resp.Attempts != 3 {
		t.Fatalf("error %v, attempts %d", err, resp.Attempts)
	}
	s := pacer.Stats()
	if s.RateLimited != 1 || s.StepDowns != 1 || s.Calls != 3 {
		t.Errorf("pacer stats = %+v, want one 429, one step down, 3 calls", s)
	}
	// The 429 pause is slept in the pacer (3s of virtual time), not by the client; the 503
	// backoff comes from the pacer's Backoff (at most 1ms).
	var pacerSlept time.Duration
	for _, d := range clock.slept {
		pacerSlept += d
	}
	if pacerSlept < 3*time.Second {
		t.Errorf("the pacer slept %v, want the 3s of Retry-After", clock.slept)
	}
	delays := rec.Delays()
	if len(delays) != 2 || delays[0] != 0 || delays[1] > time.Millisecond {
		t.Errorf("the client slept %v, want [0, <=1ms]", delays)
	}
}

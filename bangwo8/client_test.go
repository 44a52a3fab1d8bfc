package bangwo8

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAccount  = "agent@example.com"
	testPassword = "Pa55-w0rd-never-shown"
)

// recorded is one request as the test server saw it.
type recorded struct {
	Method, Path string
	Query        map[string][]string
	Header       http.Header
	Body         string
}

// testServer is an httptest server that records every request and answers with the handler of
// that request's turn (the last handler answers every request after it).
type testServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
}

func newServer(t *testing.T, handlers ...http.HandlerFunc) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		ts.mu.Lock()
		n := len(ts.requests)
		ts.requests = append(ts.requests, recorded{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), string(body)})
		ts.mu.Unlock()
		handlers[min(n, len(handlers)-1)](w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) Requests() []recorded {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]recorded(nil), ts.requests...)
}

func (ts *testServer) Hits() int { return len(ts.Requests()) }

// reply answers status with body (JSON unless it starts with '<') and the header pairs given.
func reply(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if strings.HasPrefix(body, "<") {
			w.Header().Set("Content-Type", "text/html")
		} else {
			w.Header().Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// dropConnection closes the connection without any answer.
func dropConnection(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

// sleepRecorder replaces the client's retry sleep: it records the delays and does not sleep.
type sleepRecorder struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.delays = append(s.delays, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) Delays() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.delays...)
}

var testNow = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// newTestClient returns a client of ts with credentials, no keep-alive (so that the transport
// never retries on its own and every attempt is one request), and sleeps recorded, not slept.
func newTestClient(t *testing.T, ts *testServer, opts ...Option) (*Client, *sleepRecorder) {
	t.Helper()
	base := []Option{
		WithBasicAuth(testAccount, testPassword),
		WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}),
	}
	c, err := NewClient(ts.URL, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	rec := &sleepRecorder{}
	c.sleep = rec.sleep
	c.now = func() time.Time { return testNow }
	return c, rec
}

func TestHeadersSentOnEveryCall(t *testing.T) {
	ts := newServer(t, reply(200, `{"company": {"uId": 1, "companyName": "a"}}`))
	c, _ := newTestClient(t, ts)
	ctx := context.Background()
	if _, _, err := c.GetCompany(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.CreateCompany(ctx, CompanyInput{CompanyName: Ptr("a")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.UpdateCompany(ctx, 1, CompanyInput{ServeNote: Ptr("x")}); err != nil {
		t.Fatal(err)
	}
	for _, r := range ts.Requests() {
		req := &http.Request{Header: r.Header}
		account, password, ok := req.BasicAuth()
		if !ok || account != testAccount || password != testPassword {
			t.Errorf("%s: basic auth = %q, ok %v", r.Method, account, ok)
		}
		if ua := r.Header.Get("User-Agent"); ua != "bangwo8-etl/"+Version {
			t.Errorf("%s: User-Agent = %q", r.Method, ua)
		}
		if a := r.Header.Get("Accept"); a != "application/json" {
			t.Errorf("%s: Accept = %q", r.Method, a)
		}
		ct := r.Header.Get("Content-Type")
		switch r.Method {
		case http.MethodGet:
			if ct != "" {
				t.Errorf("GET sends Content-Type %q", ct)
			}
		default:
			if !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s: Content-Type = %q, want application/json", r.Method, ct)
			}
		}
	}
}

func TestCustomUserAgentAndNoAuth(t *testing.T) {
	ts := newServer(t, reply(200, `{"companies": []}`))
	c, err := NewClient(ts.URL, WithUserAgent("ops-script/2"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ListCompanies(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	r := ts.Requests()[0]
	if ua := r.Header.Get("User-Agent"); ua != "ops-script/2" {
		t.Errorf("User-Agent = %q", ua)
	}
	if a := r.Header.Get("Authorization"); a != "" {
		t.Errorf("a client without credentials sent Authorization %q", a)
	}
}

func TestNewClientRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		base string
		opts []Option
		want string
	}{
		{"no scheme", "www.bangwo8.com", nil, "http or https"},
		{"ftp", "ftp://www.bangwo8.com", nil, "http or https"},
		{"no host", "https://", nil, "no host"},
		{"credentials in URL", "https://agent:" + testPassword + "@www.bangwo8.com", nil, "must not carry credentials"},
		{"query", "https://www.bangwo8.com/?a=1", nil, "query"},
		{"bad URL", "https://agent:" + testPassword + "@www.bangwo8.com/%zz", nil, "base URL"},
		{"empty account", "https://x", []Option{WithBasicAuth("", testPassword)}, "empty account"},
		{"nil http client", "https://x", []Option{WithHTTPClient(nil)}, "nil"},
		{"negative retries", "https://x", []Option{WithMaxRetries(-1)}, "max retries"},
		{"negative timeout", "https://x", []Option{WithTimeout(-time.Second)}, "timeout"},
		{"multi-line user agent", "https://x", []Option{WithUserAgent("a\r\nX-Evil: 1")}, "user agent"},
		{"nil logger", "https://x", []Option{WithLogger(nil)}, "logger"},
	}
	for _, tt := range tests {
		_, err := NewClient(tt.base, tt.opts...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: NewClient error = %v, want it to contain %q", tt.name, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), testPassword) {
			t.Errorf("%s: the error shows the password: %v", tt.name, err)
		}
	}
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	ts := newServer(t, reply(200, `{"companies": []}`))
	c, err := NewClient(ts.URL + "/proxy/bangwo8/")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ListCompanies(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := ts.Requests()[0].Path; got != "/proxy/bangwo8/api/v1/companies.json" {
		t.Errorf("path = %q", got)
	}
}

// TestPasswordNeverShown drives the client through every failure it knows and checks that the
// password is in no error, no log line and no printed form of the client.
func TestPasswordNeverShown(t *testing.T) {
	ts := newServer(t,
		reply(401, `{"error": "Unauthorized", "description": "bad credentials"}`),
		reply(500, `<html>oops</html>`),
		dropConnection,
		reply(429, `{"error": "TooManyRequests"}`, "Retry-After", "1"),
		reply(200, `{"errcode": 40001, "errmsg": "invalid credential"}`),
		reply(200, `not json`),
		reply(422, `{"error": "Invalid", "details": {"companyName": ["empty"]}}`),
		dropConnection,
	)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, ts, WithLogger(logger), WithMaxRetries(1))
	ctx := context.Background()
	var errs []error
	for range 4 {
		_, _, err := c.GetCompany(ctx, 1)
		errs = append(errs, err)
	}
	_, _, err := c.CreateCompany(ctx, CompanyInput{CompanyName: Ptr("x")})
	errs = append(errs, err)
	_, _, err = c.UpdateCompany(ctx, 1, CompanyInput{CompanyName: Ptr("x")})
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d succeeded; the test wants failures", i)
			continue
		}
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(text, testPassword) {
				t.Errorf("error %d shows the password: %s", i, text)
			}
		}
	}
	if strings.Contains(logs.String(), testPassword) {
		t.Errorf("the log shows the password:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "bangwo8 call") {
		t.Errorf("nothing was logged:\n%s", logs.String())
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		if s := fmt.Sprintf(verb, c); strings.Contains(s, testPassword) {
			t.Errorf("Sprintf(%s, client) shows the password: %s", verb, s)
		}
	}
	if s := c.String(); !strings.Contains(s, testAccount) {
		t.Errorf("String() = %q, want the account", s)
	}
}

func TestContextCancelStopsAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		reply(503, `{}`)(w, r)
	})
	c, rec := newTestClient(t, ts)
	_, resp, err := c.GetCompany(ctx, 1)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if resp.Attempts != 1 || ts.Hits() != 1 {
		t.Errorf("attempts %d, hits %d; want 1 and 1", resp.Attempts, ts.Hits())
	}
	if d := rec.Delays(); len(d) > 1 {
		t.Errorf("kept sleeping after the cancel: %v", d)
	}
}

func TestCancelledContextSendsNothing(t *testing.T) {
	ts := newServer(t, reply(200, `{}`))
	c, _ := newTestClient(t, ts)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := c.CreateCompany(ctx, CompanyInput{CompanyName: Ptr("x")})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrMaybeCreated) {
		t.Fatalf("error = %v, want a plain context.Canceled (nothing was sent)", err)
	}
	if ts.Hits() != 0 {
		t.Errorf("a cancelled call reached the server")
	}
}

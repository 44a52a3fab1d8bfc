package bangwo8

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Servers that answer as the vendor's examples read literally, or misbehave as real servers
// do. Each test ends with every company read or a clear error: never a short result.

// vendorServer answers the list and search from companies 1..total as a server may: per_page
// capped at maxPerPage, page offsets computed with the size asked for or the size served, the
// search's count the size of the page, next_page links or none.
type vendorServer struct {
	total        int
	maxPerPage   int  // 0 = no cap
	offsetAsked  bool // page offsets use the per_page asked for, not the one served
	countPerPage bool // search: count is the size of the page
	noNextPage   bool // search: no next_page key at all
	clampPage    bool // a page past the end answers the last page
}

func (v vendorServer) handler(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	asked, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	page, asked = pageOrDefault(page, asked)
	size := asked
	if v.maxPerPage > 0 {
		size = min(size, v.maxPerPage)
	}
	if last := max((v.total+size-1)/size, 1); v.clampPage && page > last {
		page = last
	}
	from := (page - 1) * size
	if v.offsetAsked {
		from = (page - 1) * asked
	}
	list := []map[string]any{}
	for id := from + 1; id <= min(from+size, v.total); id++ {
		list = append(list, map[string]any{"uId": strconv.Itoa(id), "companyName": fmt.Sprint("公司", id)})
	}
	var body any = map[string]any{"companies": list}
	if strings.HasSuffix(r.URL.Path, "search.json") {
		count := v.total
		if v.countPerPage {
			count = len(list)
		}
		m := map[string]any{"results": list, "count": count, "previous_page": nil}
		if !v.noNextPage {
			var next any
			if from+size < v.total {
				next = fmt.Sprintf("https://www.bangwo8.com/api/v1/companies/search.json?query=x createDT>2017-07-03&sort_by=createDT&sort_order=desc&page=%d", page+1)
			}
			m["next_page"] = next
		}
		body = m
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// readAll reads every company of a listing; it fails the test on a duplicate.
func readAll(t *testing.T, seq func(func(Company, error) bool)) ([]int64, error) {
	t.Helper()
	var ids []int64
	for co, err := range seq {
		if err != nil {
			return ids, err
		}
		if slices.Contains(ids, co.UID) {
			t.Fatalf("company %d read twice", co.UID)
		}
		ids = append(ids, co.UID)
	}
	return ids, nil
}

func TestPagingAgainstVendorServers(t *testing.T) {
	tests := []struct {
		name    string
		server  vendorServer
		perPage int
	}{
		{"per_page capped, offsets by the size served", vendorServer{total: 250, maxPerPage: 100}, 500},
		{"per_page capped, offsets by the size asked", vendorServer{total: 250, maxPerPage: 100, offsetAsked: true}, 500},
		{"per_page capped at 7", vendorServer{total: 50, maxPerPage: 7, offsetAsked: true}, 5000},
		{"count per page with next_page links", vendorServer{total: 250, maxPerPage: 100, countPerPage: true}, 500},
		{"count per page, no next_page", vendorServer{total: 250, maxPerPage: 100, countPerPage: true, noNextPage: true}, 500},
		{"count total, no next_page", vendorServer{total: 250, noNextPage: true}, 100},
		{"exactly one capped page", vendorServer{total: 100, maxPerPage: 100}, 500},
		{"fewer than a page", vendorServer{total: 3}, 500},
		{"nothing", vendorServer{}, 500},
		{"a page past the end is the last one again", vendorServer{total: 250, clampPage: true}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, tt.server.handler)
			c, _ := newTestClient(t, ts)
			ctx := context.Background()
			list, err := readAll(t, c.AllCompanies(ctx, ListOptions{PerPage: tt.perPage}))
			if err != nil || len(list) != tt.server.total {
				t.Fatalf("list: %d of %d companies, error %v", len(list), tt.server.total, err)
			}
			found, err := readAll(t, c.AllSearchResults(ctx, "公司", SearchOptions{PerPage: tt.perPage}))
			if err != nil || len(found) != tt.server.total {
				t.Fatalf("search: %d of %d companies, error %v", len(found), tt.server.total, err)
			}
		})
	}
}

// Servers whose pages cannot be made to add up end the listing with ErrPaging.
func TestPagingRefusesWhatCannotAddUp(t *testing.T) {
	page := func(r *http.Request) int { p, _ := strconv.Atoi(r.URL.Query().Get("page")); return p }
	companies := func(ids ...int) string {
		var parts []string
		for _, id := range ids {
			parts = append(parts, fmt.Sprintf(`{"uId": %d, "companyName": "c%d"}`, id, id))
		}
		return `[` + strings.Join(parts, ",") + `]`
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		search  bool
		want    string
	}{
		{"page ignored", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"companies": `+companies(1, 2)+`}`)
		}, false, "page 2 repeats page 1: the server ignores the page parameter"},
		{"page 3 repeats page 2", func(w http.ResponseWriter, r *http.Request) {
			p := min(page(r), 2)
			_, _ = io.WriteString(w, `{"companies": `+companies(2*p-1, 2*p)+`}`)
		}, false, "page 3 repeats page 2"},
		{"a short page followed by more", func(w http.ResponseWriter, r *http.Request) {
			switch page(r) {
			case 1:
				_, _ = io.WriteString(w, `{"companies": `+companies(1, 2)+`}`)
			case 2:
				_, _ = io.WriteString(w, `{"companies": `+companies(3)+`}`)
			default:
				_, _ = io.WriteString(w, `{"companies": `+companies(9, 10)+`}`)
			}
		}, false, "page 2 had 1 companies of 2 asked, yet page 3 has 2 more"},
		{"a page longer than asked", func(w http.ResponseWriter, r *http.Request) {
			if page(r) == 1 {
				_, _ = io.WriteString(w, `{"companies": `+companies(1, 2)+`}`)
				return
			}
			_, _ = io.WriteString(w, `{"companies": `+companies(3, 4, 5)+`}`)
		}, false, "page 2 has 3 companies, more than the 2 asked"},
		{"count above what was read", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"results": `+companies(1, 2)+`, "count": 300, "next_page": null}`)
		}, true, "the server counts 300 matches, but 2 were read"},
		{"count below what was read", func(w http.ResponseWriter, r *http.Request) {
			if page(r) == 1 {
				_, _ = io.WriteString(w, `{"results": `+companies(1, 2)+`, "count": 3, "next_page": "x"}`)
				return
			}
			_, _ = io.WriteString(w, `{"results": `+companies(3, 4)+`, "count": 3, "next_page": null}`)
		}, true, "the server counts 3 matches, but 4 were read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, tt.handler)
			c, _ := newTestClient(t, ts)
			seq := c.AllCompanies(context.Background(), ListOptions{PerPage: 2})
			if tt.search {
				seq = c.AllSearchResults(context.Background(), "c", SearchOptions{PerPage: 2})
			}
			_, err := readAll(t, seq)
			if !errors.Is(err, ErrPaging) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want ErrPaging with %q", err, tt.want)
			}
			if ts.Hits() > 4 {
				t.Errorf("%d requests before giving up", ts.Hits())
			}
		})
	}
}

// An error answered with 200, or an envelope without its key, is an error with the server's
// words, never an empty list.
func TestErrorBodyIsNoEmptyList(t *testing.T) {
	for body, want := range map[string]string{
		`{"error": "Unavailable", "description": "系统维护中"}`: "200 OK: Unavailable: 系统维护中",
		`{"errcode": "500", "errmsg": "db"}`:               "200 OK: 500: db",
		`{"message": "Invalid resource URI"}`:              `has no "companies" (body "{\"message\": \"Invalid resource URI\"}")`,
		`<html>维护中</html>`:                                 "<html>维护中</html>",
	} {
		ts := newServer(t, reply(200, body))
		c, _ := newTestClient(t, ts)
		ids, err := readAll(t, c.AllCompanies(context.Background(), ListOptions{}))
		if err == nil || len(ids) != 0 || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %d companies, error %v; want %q", body, len(ids), err, want)
		}
		if ts.Hits() != 1 {
			t.Errorf("%s: %d requests, want 1 (no retry)", body, ts.Hits())
		}
	}
}

// Answers are bounded on the wire and unpacked; too large is not retried. The bound is 1 MB
// here, to keep the test quick (under -race too); the default is DefaultMaxAnswerBytes.
func TestAnswerSizeIsBounded(t *testing.T) {
	const limit = 1 << 20
	if c, _ := NewClient("https://x"); c.maxAnswer != DefaultMaxAnswerBytes || size(DefaultMaxAnswerBytes) != "64 MB" {
		t.Fatalf("default bound %d", c.maxAnswer)
	}
	zeros := make([]byte, 256<<10)
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	for range 4*limit/len(zeros) + 1 {
		_, _ = zw.Write(zeros)
	}
	_ = zw.Close()
	if bomb.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes", bomb.Len())
	}
	var small bytes.Buffer
	zw = gzip.NewWriter(&small)
	_, _ = io.WriteString(zw, `{"companies": [{"uId": 5, "companyName": "压缩"}]}`)
	_ = zw.Close()

	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"huge", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(limit+len(zeros)))
			for range limit/len(zeros) + 1 {
				_, _ = w.Write(zeros)
			}
		}, "more than 1 MB on the wire"},
		{"endless", func(w http.ResponseWriter, r *http.Request) {
			for r.Context().Err() == nil {
				if _, err := w.Write(zeros); err != nil {
					return
				}
			}
		}, "more than 1 MB on the wire"},
		{"gzip bomb", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(bomb.Bytes())
		}, "more than 1 MB unpacked"},
		{"gzip", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Accept-Encoding") != "gzip" {
				http.Error(w, "no gzip asked for", 400)
				return
			}
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(small.Bytes())
		}, ""},
		{"an encoding not asked for", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "br")
			_, _ = io.WriteString(w, "xx")
		}, `content encoding "br"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, tt.handler)
			c, _ := newTestClient(t, ts, WithMaxAnswerBytes(limit))
			list, _, err := c.ListCompanies(context.Background(), nil)
			if tt.want == "" {
				if err != nil || len(list) != 1 || list[0].CompanyName != "压缩" {
					t.Fatalf("list %v, error %v", list, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if tt.name != "an encoding not asked for" && !errors.Is(err, ErrAnswerTooLarge) {
				t.Errorf("error %v is not ErrAnswerTooLarge", err)
			}
			if ts.Hits() > 1 && tt.name != "an encoding not asked for" {
				t.Errorf("%d requests: a too large answer is not asked for again", ts.Hits())
			}
		})
	}
}

// The credentials go to the base URL's scheme, host and port only.
func TestRedirectsStayOnTheBaseURL(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		_, _ = io.WriteString(w, `{"companies": [], "company": {"uId": 1}}`)
	}))
	t.Cleanup(other.Close)

	redirectTo := func(target string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target+r.URL.Path, http.StatusTemporaryRedirect)
		}
	}
	t.Run("https to http", func(t *testing.T) {
		tls := httptest.NewTLSServer(redirectTo(strings.Replace(other.URL, "127.0.0.1", "localhost", 1)))
		t.Cleanup(tls.Close)
		c, err := NewClient(tls.URL, WithBasicAuth(testAccount, testPassword), WithHTTPClient(tls.Client()))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = c.ListCompanies(context.Background(), nil)
		var re *RedirectError
		if !errors.As(err, &re) || re.StatusCode != 307 || !strings.HasPrefix(re.Location, "http://localhost:") || !IsConfigError(err) {
			t.Fatalf("error %v, want a RedirectError naming the target", err)
		}
	})
	t.Run("POST to another host", func(t *testing.T) {
		ts := newServer(t, redirectTo(other.URL))
		c, _ := newTestClient(t, ts)
		_, _, err := c.CreateCompany(context.Background(), CompanyInput{CompanyName: Ptr("甲"), ServicePassword: Ptr("row-secret")})
		var re *RedirectError
		if !errors.As(err, &re) || errors.Is(err, ErrMaybeCreated) || ts.Hits() != 1 {
			t.Fatalf("error %v after %d requests, want one RedirectError (a 307 did not create)", err, ts.Hits())
		}
		ts = newServer(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/done", http.StatusSeeOther)
		})
		c, _ = newTestClient(t, ts)
		_, _, err = c.CreateCompany(context.Background(), CompanyInput{CompanyName: Ptr("甲")})
		if !errors.As(err, &re) || !errors.Is(err, ErrMaybeCreated) || ts.Hits() != 1 {
			t.Fatalf("error %v after %d requests, want one ambiguous RedirectError (a 303 may have created)", err, ts.Hits())
		}
	})
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("the other host got %d requests", n)
	}
	t.Run("same origin is followed", func(t *testing.T) {
		ts := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/moved"+r.URL.Path, http.StatusMovedPermanently)
		}, reply(200, `{"companies": [{"uId": 3}]}`))
		c, _ := newTestClient(t, ts)
		list, _, err := c.ListCompanies(context.Background(), nil)
		if err != nil || len(list) != 1 {
			t.Fatalf("list %v, error %v", list, err)
		}
		if auth := ts.Requests()[1].Header.Get("Authorization"); auth == "" {
			t.Error("the credentials were not sent again on the same origin")
		}
	})
}

// A Retry-After of a day is capped and said; a long pause is said once, not by every call.
func TestRetryAfterIsBounded(t *testing.T) {
	ts := newServer(t, reply(429, `{"error": "TooManyRequests"}`, "Retry-After", "86400"), reply(200, `{"companies": []}`))
	var logs bytes.Buffer
	c, sleeps := newTestClient(t, ts, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if _, _, err := c.ListCompanies(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := sleeps.Delays(); !slices.Equal(got, []time.Duration{DefaultMaxRetryAfter}) {
		t.Fatalf("slept %v, want the cap %v", got, DefaultMaxRetryAfter)
	}
	if !strings.Contains(logs.String(), "Retry-After capped") || !strings.Contains(logs.String(), "retry_after=24h0m0s") {
		t.Fatalf("logs:\n%s", logs.String())
	}

	ts = newServer(t, reply(429, `{}`, "Retry-After", "60"), reply(429, `{}`, "Retry-After", "60"), reply(200, `{"companies": []}`))
	logs.Reset()
	c, sleeps = newTestClient(t, ts, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), WithMaxRetryAfter(0))
	if _, _, err := c.ListCompanies(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), "rate limited: waiting"); n != 1 || len(sleeps.Delays()) != 2 {
		t.Fatalf("%d wait lines for 2 waits of one pause:\n%s", n, logs.String())
	}

	// A short pause is not worth a line, unless it was capped.
	for _, tt := range []struct {
		retryAfter string
		max        time.Duration
		want       int
	}{{"3", DefaultMaxRetryAfter, 0}, {"3", 2 * time.Second, 1}} {
		ts = newServer(t, reply(429, `{}`, "Retry-After", tt.retryAfter), reply(200, `{"companies": []}`))
		logs.Reset()
		c, _ = newTestClient(t, ts, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), WithMaxRetryAfter(tt.max))
		if _, _, err := c.ListCompanies(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(logs.String(), "bangwo8 rate limited"); n != tt.want {
			t.Errorf("Retry-After %s, cap %v: %d lines, want %d:\n%s", tt.retryAfter, tt.max, n, tt.want, logs.String())
		}
	}
}

// A wrong password and a host that does not resolve fail at once: retries cannot fix them.
func TestConfigErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{401, 403} {
		ts := newServer(t, reply(status, `{"error": "Unauthorized", "description": "账号或密码错误"}`))
		c, sleeps := newTestClient(t, ts)
		_, _, err := c.ListCompanies(context.Background(), nil)
		if !IsConfigError(err) || ts.Hits() != 1 || len(sleeps.Delays()) != 0 {
			t.Fatalf("%d: error %v after %d requests", status, err, ts.Hits())
		}
	}

	var dials atomic.Int32
	noSuchHost := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}}
	c, err := NewClient("https://nowhere.invalid", WithBasicAuth(testAccount, testPassword), WithHTTPClient(&http.Client{Transport: noSuchHost}))
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(context.Context, time.Duration) error { t.Fatal("slept to retry"); return nil }
	_, _, err = c.ListCompanies(context.Background(), nil)
	var hn *HostNotFoundError
	if !errors.As(err, &hn) || hn.Host != "nowhere.invalid" || dials.Load() != 1 || !IsConfigError(err) {
		t.Fatalf("error %v after %d dials", err, dials.Load())
	}
	if err.Error() != `bangwo8: host "nowhere.invalid" not found: check the base URL` {
		t.Errorf("error text %q", err)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://u:pw@bad host/":          "https://u:xxxxx@bad host/",
		"https://u:p@ss@host/x?y=z@w":     "https://u:xxxxx@host/x?y=z@w",
		"u:pw@host":                       "u:xxxxx@host",
		"https://host/path?q=a:b@c":       "https://host/path?q=a:b@c",
		"https://user@host/":              "https://user@host/",
		"http://[::1]:80/x":               "http://[::1]:80/x",
		"%zz://u:pw@x":                    "%zz://u:xxxxx@x",
		"https://www.bangwo8.com":         "https://www.bangwo8.com",
		"https://a:b@c:d@host:8080#frag@": "https://a:xxxxx@host:8080#frag@",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{"https://u:pw@bad host/", "u:pw@h", "https://h/?a=b:c@d", "//a:b@c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := RedactURL(s)
		if again := RedactURL(got); again != got {
			t.Fatalf("RedactURL(%q) = %q, and again %q", s, got, again)
		}
		u, err := url.Parse(s)
		if err != nil || u.User == nil {
			return
		}
		if pw, ok := u.User.Password(); ok && pw != "xxxxx" {
			after, err := url.Parse(got)
			if err != nil {
				t.Fatalf("RedactURL(%q) = %q no longer parses: %v", s, got, err)
			}
			if apw, _ := after.User.Password(); apw != "xxxxx" {
				t.Fatalf("RedactURL(%q) = %q: password %q", s, got, apw)
			}
		}
	})
}

package bangwo8

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// What the client takes from a server it does not trust: an answer's size on the wire and once
// unpacked, how long a 429 may hold it, where a redirect may lead.

// DefaultMaxAnswerBytes bounds an answer, on the wire and unpacked (WithMaxAnswerBytes): a
// page of 5000 companies is a few megabytes, so anything near this is not an answer (an
// endless body, a gzip bomb).
const DefaultMaxAnswerBytes = 64 << 20

// WithMaxAnswerBytes bounds an answer, on the wire and unpacked (default
// DefaultMaxAnswerBytes). A larger one fails the call, without a retry.
func WithMaxAnswerBytes(n int64) Option {
	return func(c *Client) error {
		if n < 1<<10 {
			return fmt.Errorf("max answer bytes %d: want at least 1 KB", n)
		}
		c.maxAnswer = n
		return nil
	}
}

// ErrAnswerTooLarge is matched (errors.Is) by the error of an answer larger than the client
// reads. It is not retried.
var ErrAnswerTooLarge = errors.New("the answer is too large")

// readAnswer reads the body of res, unpacking gzip, and fails when more than limit bytes
// arrive or would be unpacked.
func readAnswer(res *http.Response, limit int64) ([]byte, error) {
	var body io.Reader = &capReader{r: res.Body, left: limit + 1, what: "on the wire", limit: limit}
	switch enc := strings.ToLower(strings.TrimSpace(res.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		body = &capReader{r: zr, left: limit + 1, what: "unpacked", limit: limit}
	default:
		return nil, fmt.Errorf("content encoding %q: only gzip was asked for", enc)
	}
	var buf bytes.Buffer
	if n := res.ContentLength; n > 0 && n <= limit {
		buf.Grow(int(n) + bytes.MinRead) // ReadFrom reads into MinRead bytes of room
	}
	if _, err := buf.ReadFrom(body); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// capReader fails with ErrAnswerTooLarge once more than limit bytes have been read.
type capReader struct {
	r     io.Reader
	left  int64 // limit+1 at the start
	limit int64
	what  string
}

func (c *capReader) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left <= 0 {
		return n, fmt.Errorf("%w: more than %s %s", ErrAnswerTooLarge, size(c.limit), c.what)
	}
	return n, err
}

// size spells a byte count for a message: "64 MB", "1.5 MB", "900 KB".
func size(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', -1, 64) + " MB"
	}
	return strconv.FormatFloat(float64(n)/(1<<10), 'f', -1, 64) + " KB"
}

// longWait is the wait above which the client says that it waits.
const longWait = 5 * time.Second

// WithMaxRetryAfter caps the pause a 429's Retry-After can impose (default
// DefaultMaxRetryAfter; 0 = no cap). A capped pause is logged; so is, once, every pause longer
// than a few seconds.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("max retry-after %v: want >= 0", d)
		}
		c.maxRetryAfter = d
		return nil
	}
}

// boundWait caps the Retry-After of a 429, and logs a capped or long pause once: all the
// workers that meet the same pause log one line between them.
func (c *Client) boundWait(ctx context.Context, method, path string, retryAfter time.Duration) time.Duration {
	asked := retryAfter
	if c.maxRetryAfter > 0 && retryAfter > c.maxRetryAfter {
		retryAfter = c.maxRetryAfter
	}
	capped := asked != retryAfter
	if !capped && retryAfter < longWait {
		return retryAfter
	}
	until := c.now().Add(retryAfter)
	c.waitMu.Lock()
	seen := !until.After(c.waitLogged.Add(time.Second))
	if !seen {
		c.waitLogged = until
	}
	c.waitMu.Unlock()
	if seen {
		return retryAfter
	}
	attrs := []slog.Attr{slog.String("method", method), slog.String("path", path),
		slog.Duration("wait", retryAfter), slog.Time("until", until)}
	msg := "bangwo8 rate limited: waiting"
	if capped {
		msg = "bangwo8 rate limited: Retry-After capped"
		attrs = append(attrs, slog.Duration("retry_after", asked))
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
	return retryAfter
}

// HostNotFoundError is a base URL whose host does not resolve: a person must fix the URL (or
// the machine's DNS). It is not retried.
type HostNotFoundError struct {
	Host string
	Err  error
}

func (e *HostNotFoundError) Error() string {
	return fmt.Sprintf("bangwo8: host %q not found: check the base URL", e.Host)
}

func (e *HostNotFoundError) Unwrap() error { return e.Err }

// RedirectError is a redirect the client does not follow: to another scheme, host or port
// than the call's (where the credentials would go), or one too many. It is not retried.
type RedirectError struct {
	Method, Path string
	StatusCode   int
	Location     string // redacted
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("bangwo8: %s %s: the server redirects (%d) to %s; not followed, the account and password are only sent to the base URL: check the base URL",
		e.Method, e.Path, e.StatusCode, e.Location)
}

// maxRedirects bounds the redirects followed within the base URL's scheme, host and port.
const maxRedirects = 5

// checkRedirect follows a redirect only within the scheme, host and port of the call, so that
// the credentials never leave them (an https base URL redirected to http would send the
// password in clear; a POST redirected elsewhere would send a row's service password).
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	status := 0
	if req.Response != nil {
		status = req.Response.StatusCode
	}
	if len(via) > maxRedirects || req.URL.Scheme != first.URL.Scheme || !strings.EqualFold(req.URL.Host, first.URL.Host) {
		return &RedirectError{Method: first.Method, Path: first.URL.Path, StatusCode: status, Location: RedactURL(req.URL.String())}
	}
	return nil
}

// configError returns the error a failed send stands for when only a person can fix it: a
// host that does not resolve, a redirect not followed. nil otherwise.
func configError(err error) error {
	var re *RedirectError
	if errors.As(err, &re) {
		return re
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return &HostNotFoundError{Host: dns.Name, Err: dns}
	}
	return nil
}

// IsConfigError reports whether err needs a person rather than another try: a wrong account
// or password (401, 403), a host that does not resolve, a redirect off the base URL.
func IsConfigError(err error) bool {
	switch statusOf(err) {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	}
	var hn *HostNotFoundError
	var re *RedirectError
	return errors.As(err, &hn) || errors.As(err, &re)
}

// IsForbidden reports whether err is a 403 answer.
func IsForbidden(err error) bool { return statusOf(err) == http.StatusForbidden }

// RedactURL returns s with any password replaced by "xxxxx", whether s parses as a URL or
// not: it is safe to print.
func RedactURL(s string) string {
	// The authority is between "//" (or the start) and the first '/', '?' or '#' after it; its
	// userinfo ends at the last '@'.
	start := 0
	if i := strings.Index(s, "//"); i >= 0 {
		start = i + 2
	}
	end := len(s)
	if i := strings.IndexAny(s[start:], "/?#"); i >= 0 {
		end = start + i
	}
	at := strings.LastIndex(s[start:end], "@")
	if at < 0 {
		return s
	}
	userinfo := s[start : start+at]
	user, _, hasPassword := strings.Cut(userinfo, ":")
	if !hasPassword {
		return s
	}
	return s[:start] + user + ":xxxxx" + s[start+at:]
}

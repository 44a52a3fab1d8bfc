package bangwo8

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
)

// Version is the version of this toolkit, sent in the default User-Agent.
const Version = "0.1.0"

// DefaultUserAgent is sent when no WithUserAgent option is given.
const DefaultUserAgent = "bangwo8-etl/" + Version

// Defaults of a Client.
const (
	DefaultMaxRetries = 4
	DefaultTimeout    = 60 * time.Second
	// DefaultMaxRetryAfter caps the pause one 429 imposes (WithMaxRetryAfter).
	DefaultMaxRetryAfter = 5 * time.Minute
)

// Client calls the company API. It is safe for concurrent use; share one per run.
type Client struct {
	baseURL    *url.URL
	httpClient *http.Client
	auth       *basicAuth // a pointer, so that even %#v of a Client never shows the password
	userAgent  string
	pacer      *ratelimit.Pacer
	backoff    *ratelimit.Backoff // used when there is no pacer
	maxRetries int
	timeout    time.Duration
	logger     *slog.Logger

	maxRetryAfter time.Duration
	maxAnswer     int64
	waitMu        sync.Mutex
	waitLogged    time.Time // the end of the last long pause logged

	// Seams for tests: how the client sleeps between retries, and what time it is (to read a
	// Retry-After given as a date).
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
}

type basicAuth struct{ account, password string }

// Option configures a Client.
type Option func(*Client) error

// WithBasicAuth sets the agent's account and password sent on every call.
func WithBasicAuth(account, password string) Option {
	return func(c *Client) error {
		if account == "" {
			return errors.New("basic auth: empty account")
		}
		c.auth = &basicAuth{account: account, password: password}
		return nil
	}
}

// WithHTTPClient sets the http.Client (transport, proxies, TLS). Its Timeout, if any, applies
// too; prefer WithTimeout, which is per attempt.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("http client: nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent sets the User-Agent header (default DefaultUserAgent).
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return fmt.Errorf("user agent %q: empty or multi-line", ua)
		}
		c.userAgent = ua
		return nil
	}
}

// WithPacer makes every attempt wait on p and report its outcome to it, and takes retry delays
// from p.Backoff. Without a pacer calls are not spaced at all.
func WithPacer(p *ratelimit.Pacer) Option {
	return func(c *Client) error {
		c.pacer = p
		return nil
	}
}

// WithMaxRetries sets how many times a call is sent again (default DefaultMaxRetries; 0 = no
// retry): a GET or PUT after a 429, a 5xx or a network error, a POST (a create) only after a
// 429 or when the request never left, since anything else may have created the company (see
// AmbiguousWriteError).
func WithMaxRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return fmt.Errorf("max retries %d: want >= 0", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithTimeout bounds each attempt (default DefaultTimeout; 0 = no bound of its own).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return fmt.Errorf("timeout %v: want >= 0", d)
		}
		c.timeout = d
		return nil
	}
}

// WithBackoff sets the delays between retries when the client has no pacer: growing from base
// up to maxDelay, with full jitter (defaults ratelimit.DefaultBackoffBase and DefaultBackoffMax).
// With WithPacer the pacer's backoff applies instead (ratelimit.Config.BackoffBase and
// BackoffMax), so that one setting paces every worker. Tests use a millisecond backoff.
func WithBackoff(base, maxDelay time.Duration) Option {
	return func(c *Client) error {
		if base <= 0 || maxDelay < base {
			return fmt.Errorf("backoff %v..%v: want 0 < base <= max", base, maxDelay)
		}
		c.backoff = ratelimit.NewBackoff(base, maxDelay, 0)
		return nil
	}
}

// WithLogger sets where the client logs its calls (debug) and retries (warn). Default: nowhere.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("logger: nil")
		}
		c.logger = l
		return nil
	}
}

// NewClient returns a client of the service at baseURL (e.g. "https://www.bangwo8.com"; the
// API paths /api/v1/... are added to it). baseURL must not carry credentials: use
// WithBasicAuth.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("bangwo8: base URL: %w", redactURLError(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("bangwo8: base URL %q: want an http or https URL", u.Redacted())
	case u.Host == "":
		return nil, fmt.Errorf("bangwo8: base URL %q: no host", u.Redacted())
	case u.User != nil:
		return nil, fmt.Errorf("bangwo8: base URL %q: must not carry credentials; use WithBasicAuth", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("bangwo8: base URL %q: must not have a query or fragment", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c := &Client{
		baseURL:       u,
		httpClient:    &http.Client{},
		userAgent:     DefaultUserAgent,
		maxRetries:    DefaultMaxRetries,
		timeout:       DefaultTimeout,
		maxRetryAfter: DefaultMaxRetryAfter,
		maxAnswer:     DefaultMaxAnswerBytes,
		logger:        slog.New(slog.DiscardHandler),
		backoff:       ratelimit.NewBackoff(0, 0, 0),
		sleep:         ratelimit.Sleep,
		now:           time.Now,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("bangwo8: %w", err)
		}
	}
	// A copy, so that the caller's http.Client keeps its own redirect policy.
	hc := *c.httpClient
	hc.CheckRedirect = checkRedirect
	c.httpClient = &hc
	return c, nil
}

// redactURLError strips the URL (which may hold a password) from a url.Parse error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// BaseURL returns the base URL the client calls.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// String describes the client without its password.
func (c *Client) String() string {
	account := ""
	if c.auth != nil {
		account = c.auth.account
	}
	return fmt.Sprintf("bangwo8.Client{base: %s, account: %q}", c.baseURL, account)
}

// GoString is String, so that %#v shows no password either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb, so that no verb can dump the fields.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// Response is the answer to a call. The body has been read and closed; the page fields are
// those of the request (Page, PerPage) and of a search answer (Count, NextPage, PreviousPage).
type Response struct {
	*http.Response

	Page, PerPage int
	NextPage      string // search: the URL of the next page, "" when none
	PreviousPage  string // search: the URL of the previous page, "" when none
	Count         int    // search: the count the service reports (the total, or the size of the page); -1 when none
	Location      string // create: the URL of the new company
	Attempts      int    // how many times the request was sent
}

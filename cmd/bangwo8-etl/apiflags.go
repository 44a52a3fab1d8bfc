package main

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
)

// apiFlags are the flags of every command that talks to the API.
type apiFlags struct {
	baseURL      string
	account      string
	passwordFile string
	insecureHTTP bool
	rps          float64
	burst        int
	concurrency  int
	retries      int
	maxWait      time.Duration
}

// defaultRetries is how often a read or an update is sent again after a 5xx, a 429 or a
// dropped connection. The client's own default (4) gives up on a page once in ~1,500 when a
// quarter of the calls fail; a migration of thousands of pages should not.
const defaultRetries = 8

const defaultBaseURL = "https://www.bangwo8.com"

// register adds the API flags to cmd. Defaults for base URL and account come from the
// environment, so `--help` shows what a run would use.
func (f *apiFlags) register(cmd *cobra.Command, a *app) {
	fl := cmd.Flags()
	base := a.getenv("BANGWO8_BASE_URL")
	if base == "" {
		base = defaultBaseURL
	}
	fl.StringVar(&f.baseURL, "base-url", base, "API base URL (env BANGWO8_BASE_URL)")
	fl.StringVar(&f.account, "account", a.getenv("BANGWO8_ACCOUNT"), "agent account (env BANGWO8_ACCOUNT)")
	fl.StringVar(&f.passwordFile, "password-file", "", "file holding the password (else env BANGWO8_PASSWORD; never a flag value)")
	fl.BoolVar(&f.insecureHTTP, "insecure-http", false, "allow a plain http:// base URL that is not on loopback")
	fl.Float64Var(&f.rps, "rps", 10, "requests per second, shared by all workers")
	fl.IntVar(&f.burst, "burst", 10, "requests allowed at once above the steady rate")
	fl.IntVar(&f.concurrency, "concurrency", 4, "requests in flight at once")
	fl.DurationVar(&f.maxWait, "max-retry-after", bangwo8.DefaultMaxRetryAfter, "the longest pause a 429's Retry-After can impose; a longer one is capped and logged (0: no cap)")
	fl.IntVar(&f.retries, "retries", defaultRetries, "times a call is sent again after a 5xx, a 429 or a dropped connection (a create whose answer was lost is looked up first)")
}

// password reads the password from --password-file or BANGWO8_PASSWORD. It is never taken
// from a flag value, so it cannot leak through argv or shell history.
func (f *apiFlags) password(a *app) (string, error) {
	if f.passwordFile != "" {
		pw, err := readPasswordFile(f.passwordFile, a.logger().Warn)
		if err != nil {
			return "", &exitError{code: exitUsage, err: err}
		}
		return pw, nil
	}
	if p := a.getenv("BANGWO8_PASSWORD"); p != "" {
		return p, nil
	}
	return "", usageErrorf("no password: set BANGWO8_PASSWORD or pass --password-file")
}

// check validates the flags before anything is sent.
func (f *apiFlags) check() error {
	u, err := url.Parse(strings.TrimSpace(f.baseURL))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return usageErrorf("--base-url %q is not an http(s) URL", bangwo8.RedactURL(f.baseURL))
	}
	if u.User != nil {
		return usageErrorf("--base-url must not carry credentials; use --account and BANGWO8_PASSWORD")
	}
	if u.Scheme == "http" && !f.insecureHTTP && !isLoopback(u.Hostname()) {
		return usageErrorf("--base-url %s is plain http and not on loopback: the password would cross the network in clear; use https or --insecure-http", u.Redacted())
	}
	if f.account == "" {
		return usageErrorf("no account: set BANGWO8_ACCOUNT or pass --account")
	}
	if f.rps <= 0 {
		return usageErrorf("--rps must be positive, not %v", f.rps)
	}
	if f.burst < 1 {
		return usageErrorf("--burst must be at least 1, not %d", f.burst)
	}
	if f.concurrency < 1 {
		return usageErrorf("--concurrency must be at least 1, not %d", f.concurrency)
	}
	if f.maxWait < 0 {
		return usageErrorf("--max-retry-after must not be negative, not %v", f.maxWait)
	}
	if f.retries < 0 {
		return usageErrorf("--retries must not be negative, not %d", f.retries)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// client builds the API client and the pacer shared by all its workers.
func (f *apiFlags) client(a *app) (*bangwo8.Client, *ratelimit.Pacer, error) {
	if err := f.check(); err != nil {
		return nil, nil, err
	}
	pw, err := f.password(a)
	if err != nil {
		return nil, nil, err
	}
	cfg := a.settings.pacer
	cfg.RPS, cfg.Burst = f.rps, f.burst
	if cfg.MaxRetryAfter <= 0 || (f.maxWait > 0 && f.maxWait < cfg.MaxRetryAfter) {
		cfg.MaxRetryAfter = f.maxWait // the tests' settings wait less still
	}
	pacer := ratelimit.New(cfg)
	opts := []bangwo8.Option{
		bangwo8.WithBasicAuth(f.account, pw),
		bangwo8.WithPacer(pacer),
		bangwo8.WithMaxRetries(f.retries),
		bangwo8.WithMaxRetryAfter(f.maxWait),
		bangwo8.WithLogger(a.logger()),
	}
	if n := a.settings.maxAnswer; n > 0 {
		opts = append(opts, bangwo8.WithMaxAnswerBytes(n))
	}
	if t := a.settings.transport; t != nil {
		opts = append(opts, bangwo8.WithHTTPClient(&http.Client{Transport: t}))
	}
	c, err := bangwo8.NewClient(f.baseURL, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	return c, pacer, nil
}

package sandbox

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"
)

// TestServer is a sandbox on a loopback port for tests of other packages, in the style of
// httptest.Server. It closes itself when the test ends.
type TestServer struct {
	URL      string // base URL, e.g. http://127.0.0.1:34567
	Account  string
	Password string
	Store    *Store
	Server   *httptest.Server
}

// Option configures NewTestServer.
type Option func(*testOptions)

type testOptions struct {
	cfg       Config
	dbPath    string
	seedN     int
	seed      int64
	fixtures  []byte
	configure []func(*Config)
}

// WithSeed seeds n companies from seed before serving.
func WithSeed(n int, seed int64) Option {
	return func(o *testOptions) { o.seedN, o.seed = n, seed }
}

// WithFixtures loads a {"companies": [...]} document before serving.
func WithFixtures(json []byte) Option {
	return func(o *testOptions) { o.fixtures = json }
}

// WithDB stores in the SQLite file at path instead of in memory.
func WithDB(path string) Option {
	return func(o *testOptions) { o.dbPath = path }
}

// WithConfig edits the server Config (clock, rate, latency, middleware, ...); Account and
// Password set here replace the test ones.
func WithConfig(edit func(*Config)) Option {
	return func(o *testOptions) { o.configure = append(o.configure, edit) }
}

// NewTestServer starts a sandbox with account "test" and password "secret" on an in-memory
// store, unless options say otherwise. Failures end the test.
func NewTestServer(t testing.TB, opts ...Option) *TestServer {
	t.Helper()
	o := testOptions{cfg: Config{Account: "test", Password: "secret"}}
	for _, opt := range opts {
		opt(&o)
	}
	for _, edit := range o.configure {
		edit(&o.cfg)
	}
	ctx := context.Background()
	store, err := OpenStore(ctx, o.dbPath)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if o.fixtures != nil {
		if err := store.LoadFixtures(ctx, bytes.NewReader(o.fixtures)); err != nil {
			t.Fatalf("sandbox: %v", err)
		}
	}
	if o.seedN > 0 {
		if err := store.Seed(ctx, o.seedN, o.seed); err != nil {
			t.Fatalf("sandbox: %v", err)
		}
	}
	srv := httptest.NewServer(New(store, o.cfg))
	t.Cleanup(srv.Close) // registered last, so it runs before the store closes
	return &TestServer{URL: srv.URL, Account: o.cfg.Account, Password: o.cfg.Password, Store: store, Server: srv}
}

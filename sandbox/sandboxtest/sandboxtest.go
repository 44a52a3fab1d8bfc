// Package sandboxtest starts sandboxes of the Bangwo8 company API for tests, as
// net/http/httptest starts servers beside net/http: NewServer serves a fresh store on a
// loopback port through sandbox.Serve and stops it when the test ends.
package sandboxtest

import (
	"bytes"
	"context"
	"net"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
)

// Server is a sandbox on a loopback port. It stops, and its store closes, when the test ends.
type Server struct {
	URL      string // base URL, e.g. http://127.0.0.1:34567
	Account  string
	Password string
	Store    *sandbox.Store
}

// Option configures NewServer.
type Option func(*options)

type options struct {
	cfg       sandbox.Config
	dbPath    string
	seedN     int
	seed      int64
	fixtures  []byte
	configure []func(*sandbox.Config)
}

// WithSeed seeds n companies from seed before serving.
func WithSeed(n int, seed int64) Option {
	return func(o *options) { o.seedN, o.seed = n, seed }
}

// WithFixtures loads a fixtures document ({"companies": [...], "asset_tables": [...]})
// before serving.
func WithFixtures(json []byte) Option {
	return func(o *options) { o.fixtures = json }
}

// WithDB stores in the SQLite file at path instead of in memory.
func WithDB(path string) Option {
	return func(o *options) { o.dbPath = path }
}

// WithConfig edits the server Config (clock, rate, latency, middleware, ...); Account and
// Password set here replace the test ones.
func WithConfig(edit func(*sandbox.Config)) Option {
	return func(o *options) { o.configure = append(o.configure, edit) }
}

// WithVendorShapes makes the server answer as the vendor's examples read literally (see
// sandbox.Config.VendorShapes).
func WithVendorShapes() Option {
	return WithConfig(func(c *sandbox.Config) { c.VendorShapes = true })
}

// NewServer starts a sandbox with account "test" and password "secret" on an in-memory
// store, unless options say otherwise. Failures end the test; so does a server that does not
// stop cleanly when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := options{cfg: sandbox.Config{Account: "test", Password: "secret"}}
	for _, opt := range opts {
		opt(&o)
	}
	for _, edit := range o.configure {
		edit(&o.cfg)
	}
	ctx := context.Background()
	store, err := sandbox.OpenStore(ctx, o.dbPath)
	if err != nil {
		t.Fatalf("sandboxtest: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if o.fixtures != nil {
		if err := store.LoadFixtures(ctx, bytes.NewReader(o.fixtures)); err != nil {
			t.Fatalf("sandboxtest: %v", err)
		}
	}
	if o.seedN > 0 {
		if err := store.Seed(ctx, o.seedN, o.seed); err != nil {
			t.Fatalf("sandboxtest: %v", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sandboxtest: %v", err)
	}
	serveCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- sandbox.Serve(serveCtx, ln, store, o.cfg) }()
	// Registered after the store's, so it runs first: the server stops before the store closes.
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("sandboxtest: %v", err)
		}
	})
	return &Server{URL: "http://" + ln.Addr().String(), Account: o.cfg.Account, Password: o.cfg.Password, Store: store}
}

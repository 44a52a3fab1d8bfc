package sandbox

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/extension"
)

// Config configures the HTTP API over a store.
type Config struct {
	// Account and Password are the Basic auth credentials every call must carry.
	Account, Password string

	// BaseURL ("http://host:port", no trailing slash) makes the url field and Location;
	// "" takes the scheme and Host of each request.
	BaseURL string

	// Now is the clock of createDT and updateDT; nil is time.Now.
	Now func() time.Time

	// Rate is the requests per second allowed for all clients together, beyond which calls
	// answer 429 with Retry-After; 0 is unlimited. The burst is one second's worth.
	Rate float64

	// Latency is added before every answer; a server that begins to stop cuts it short.
	Latency time.Duration

	// Middleware wraps the API handler, inside authentication: the first is the outermost.
	// It is the seam for fault injection.
	Middleware []func(http.Handler) http.Handler

	// VendorShapes answers as the vendor's examples read literally (string ids, no status
	// or url, a search's count per page; see vendor.go) instead of the shapes of doc.go.
	VendorShapes bool

	// Logger logs server trouble (5xx answers, failed connections); nil is silent. Passwords
	// are never logged.
	Logger *slog.Logger
}

// newHandler returns the API over store as a handler chain, outermost first: latency, rate
// limit, authentication, cfg.Middleware, the API.
func newHandler(store *Store, cfg Config) http.Handler {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	var h http.Handler = &api{store: store, cfg: cfg}
	for i := len(cfg.Middleware) - 1; i >= 0; i-- {
		h = cfg.Middleware[i](h)
	}
	h = basicAuth(cfg.Account, cfg.Password)(h)
	if cfg.Rate > 0 {
		h = rateLimit(cfg.Rate)(h)
	}
	if cfg.Latency > 0 {
		h = latency(cfg.Latency)(h)
	}
	return h
}

// api serves the company endpoints.
type api struct {
	store *Store
	cfg   Config
}

const prefix = "/api/v1/companies"

// ServeHTTP routes by path and method; unknown paths and methods answer JSON errors too.
func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == prefix+".json":
		a.route(w, r, map[string]http.HandlerFunc{http.MethodGet: a.handleList, http.MethodPost: a.handleCreate})
	case path == prefix+"/show_many.json":
		a.route(w, r, map[string]http.HandlerFunc{http.MethodGet: a.handleShowMany})
	case path == prefix+"/search.json":
		a.route(w, r, map[string]http.HandlerFunc{http.MethodGet: a.handleSearch})
	case path == extension.PagePath: // the company external extension's page, extension_page.go
		a.route(w, r, map[string]http.HandlerFunc{http.MethodGet: a.handleExtensionPage, http.MethodPost: a.handleExtensionPick})
	case strings.HasPrefix(path, prefix+"/") && strings.HasSuffix(path, ".json"):
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(path, prefix+"/"), ".json"), 10, 64)
		if err != nil || id <= 0 {
			writeError(w, http.StatusNotFound, CodeInvalidEndpoint, "no such resource: "+path, nil)
			return
		}
		a.route(w, r, map[string]http.HandlerFunc{
			http.MethodGet: func(w http.ResponseWriter, r *http.Request) { a.handleShow(w, r, id) },
			http.MethodPut: func(w http.ResponseWriter, r *http.Request) { a.handleUpdate(w, r, id) },
		})
	default:
		writeError(w, http.StatusNotFound, CodeInvalidEndpoint, "no such resource: "+path, nil)
	}
}

// route calls the handler of the request's method, or answers 405 with Allow.
func (a *api) route(w http.ResponseWriter, r *http.Request, byMethod map[string]http.HandlerFunc) {
	if h, ok := byMethod[r.Method]; ok {
		h(w, r)
		return
	}
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut} {
		if byMethod[m] != nil {
			allow = append(allow, m)
		}
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
		r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+strings.Join(allow, ", "), nil)
}

// baseURL is the scheme and host that url fields and Location use.
func (a *api) baseURL(r *http.Request) string {
	if a.cfg.BaseURL != "" {
		return a.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// internalError logs err and answers 500 without its text, which may name local paths.
func (a *api) internalError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		return // the client is gone; nobody reads the answer
	}
	a.cfg.Logger.Error("sandbox request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, CodeInternalError, "the sandbox failed to answer; see its log", nil)
}

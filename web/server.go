package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
)

// CookieName is the cookie the token is exchanged for.
const CookieName = "bangwo8_console"

// Upload limits: a sheet of 200,000 rows is far below the first, a mapping file below the
// second. A larger body is refused with 413 before it is read whole.
const (
	DefaultMaxUpload  = 64 << 20
	MaxMappingUpload  = 1 << 20
	maxJSONBody       = 1 << 20
	maxGridRows       = 200_000
	defaultPageRows   = 100
	maxPlanLinesShown = 500
)

//go:embed assets
var assets embed.FS

// Config is what a console writes to and where it keeps its files.
type Config struct {
	Client *bangwo8.Client
	Pacer  *ratelimit.Pacer // the client's pacer, for the 429s and rate shown; may be nil

	// Server and Account are shown on every page and bind journals for undo.
	Server, Account string
	Sandbox         bool // the built-in sandbox: the page says so, in calm colours

	Dir   string // uploads, reports, journals and exports go under it
	Token string // the secret of the printed address

	// AllowRemote accepts a Host that is not loopback (the person asked with --allow-remote).
	AllowRemote bool

	RPS         float64 // the rate the client is paced at, for time estimates
	Concurrency int     // writes or pages in flight at once
	Retries     int     // a create whose answer was lost is sent again this often

	MaxUpload int64 // bytes; 0 is DefaultMaxUpload
	Lang      lang.Lang
	Logger    *slog.Logger
}

// Server is the console: an http.Handler. Its runs go on when a page is closed; Close stops
// them.
type Server struct {
	cfg  Config
	mux  *http.ServeMux
	page *template.Template
	log  *slog.Logger

	ctx    context.Context // runs live in it, not in a request's
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	seq      int
	uploads  map[string]*upload
	runs     []*Run // in start order
	mappings map[string]*mappingFile
}

// New returns a console for cfg. Its files go under cfg.Dir, which is created.
func New(cfg Config) (*Server, error) {
	if cfg.Client == nil || cfg.Token == "" || cfg.Dir == "" {
		return nil, errors.New("web: a console needs a client, a token and a directory")
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.Concurrency < 1 {
		cfg.Concurrency = 4
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	cfg.Dir = dir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	page, err := template.ParseFS(assets, "assets/index.html")
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, page: page, log: cfg.Logger, ctx: ctx, cancel: cancel,
		uploads: map[string]*upload{}, mappings: builtinMappings()}
	s.routes()
	return s, nil
}

// Close stops the runs in flight (each ends as a Ctrl-C ends it on the command line: the
// writes in flight finish, the report is written) and waits for them.
func (s *Server) Close() error {
	s.mu.Lock() // no run starts after this (see start)
	s.cancel()
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.handlePage)
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(staticFS())))
	m.HandleFunc("GET /api/mappings", s.handleMappings)
	m.HandleFunc("POST /api/mappings", s.handleMappingUpload)
	m.HandleFunc("GET /api/mappings/{name}/yaml", s.handleMappingYAML)
	m.HandleFunc("POST /api/builder/suggest", s.handleBuilderSuggest)
	m.HandleFunc("POST /api/builder/save", s.handleBuilderSave)
	m.HandleFunc("POST /api/imports", s.handleUpload)
	m.HandleFunc("GET /api/imports/{id}/rows", s.handleRows)
	m.HandleFunc("POST /api/imports/{id}/fix", s.handleFix)
	m.HandleFunc("POST /api/imports/{id}/plan", s.handlePlan)
	m.HandleFunc("POST /api/imports/{id}/run", s.handleImportRun)
	m.HandleFunc("POST /api/exports", s.handleExport)
	m.HandleFunc("GET /api/template", s.handleTemplate)
	m.HandleFunc("POST /api/extension", s.handleExtension)
	m.HandleFunc("GET /api/runs", s.handleRuns)
	m.HandleFunc("GET /api/runs/{id}", s.handleRun)
	m.HandleFunc("GET /api/runs/{id}/events", s.handleEvents)
	m.HandleFunc("POST /api/runs/{id}/stop", s.handleStop)
	m.HandleFunc("POST /api/runs/{id}/undo", s.handleUndo)
	m.HandleFunc("GET /api/runs/{id}/files/{name}", s.handleFile)
	s.mux = m
}

// ServeHTTP admits a request that carries the token's cookie (see the package doc) and
// serves it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // the first address carries the token
	h.Set("Cache-Control", "no-store")
	if !s.cfg.AllowRemote && !loopbackHost(r.Host) {
		http.Error(w, "forbidden: this console answers on loopback only", http.StatusForbidden)
		return
	}
	if tok := r.URL.Query().Get("token"); tok != "" && r.URL.Path == "/" && r.Method == http.MethodGet {
		if !s.tokenOK(tok) {
			http.Error(w, "unauthorized: wrong token; use the address the console printed", http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: CookieName, Value: s.cfg.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		to := "/"
		if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
			to += "?lang=" + l
		}
		http.Redirect(w, r, to, http.StatusSeeOther) // the token leaves the address bar and the history
		return
	}
	if c, err := r.Cookie(CookieName); err != nil || !s.tokenOK(c.Value) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			http.Error(w, "unauthorized: open the address the console printed (it carries the token)", http.StatusUnauthorized)
		} else {
			http.Error(w, "forbidden: no console cookie", http.StatusForbidden)
		}
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !sameOrigin(r) {
		http.Error(w, "forbidden: the request does not come from the console's page", http.StatusForbidden)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) tokenOK(v string) bool {
	return subtle.ConstantTimeCompare([]byte(v), []byte(s.cfg.Token)) == 1
}

// sameOrigin reports whether a state-changing request comes from a page of this console: its
// Origin is this host. A request without Origin is refused: every browser sends it with a
// POST, and a script elsewhere has no reason to leave it out.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	return o != "" && (o == "http://"+r.Host || o == "https://"+r.Host)
}

// loopbackHost reports whether a Host header names this machine (localhost, 127.0.0.0/8,
// ::1): a page of another name that resolves here (DNS rebinding) is refused.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// nextID is a short id for an upload or a run, unique in this console.
func (s *Server) nextID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%s%d", prefix, s.seq)
}

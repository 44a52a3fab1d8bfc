package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// shutdownGrace is how long requests in flight may take to finish once Serve is told to stop;
// then their connections are closed. Answers take milliseconds (the artificial waits of
// Config.Latency and slow faults end as soon as the stop begins), so this bounds only a
// handler that hangs.
const shutdownGrace = 5 * time.Second

// Serve serves the API over store on ln until ctx is done, then shuts down: ln is closed,
// idle connections are closed, and requests in flight finish (their artificial delays cut
// short) within a few seconds, after which their connections are closed too. It returns nil
// after a clean shutdown, and an error when serving fails or requests had to be cut off. The
// store stays open; it is the caller's to close after Serve returns.
//
// Serve is the one place that builds the sandbox's http.Server: the sandbox command, the demo
// and package sandboxtest all serve through it.
func Serve(ctx context.Context, ln net.Listener, store *Store, cfg Config) error {
	return serve(ctx, ln, store, cfg, shutdownGrace)
}

// stoppingKey is the request context key of the channel that is closed when the server
// begins to stop; see waitOrStop.
type stoppingKey struct{}

func serve(ctx context.Context, ln net.Listener, store *Store, cfg Config, grace time.Duration) error {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// The requests' context outlives ctx by the grace period, so a stop lets the work in flight
	// (a create being committed) finish and cancels only what is left after it. It carries
	// ctx.Done() for waitOrStop.
	requests, cutOff := context.WithCancel(context.WithValue(context.WithoutCancel(ctx), stoppingKey{}, ctx.Done()))
	defer cutOff()
	unused := &unusedConns{conns: map[net.Conn]struct{}{}}
	srv := &http.Server{
		Handler:           newHandler(store, cfg),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return requests },
		ConnState:         unused.track,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("sandbox: serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	unused.closeAll()
	graceCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(graceCtx)
	if err != nil {
		// The grace period is over: whatever still runs is told to give up, and its connection
		// is closed under it.
		cutOff()
		err = fmt.Errorf("sandbox: requests still running %s after the stop were cut off: %w", grace, errors.Join(err, srv.Close()))
	}
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("sandbox: serving on %s: %w", ln.Addr(), serveErr))
	}
	return err
}

// waitOrStop waits d for the request r, as Config.Latency and slow faults do. It reports
// whether to go on answering: true when d has passed or the server began to stop (the
// artificial delay is cut short so that the stop does not wait for it), false when the
// client gave up.
func waitOrStop(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	stopping, _ := r.Context().Value(stoppingKey{}).(<-chan struct{})
	select {
	case <-t.C:
		return true
	case <-stopping:
		return true
	case <-r.Context().Done():
		return false
	}
}

// unusedConns tracks the connections that have not sent a request yet (http.StateNew), for a
// stop to close at once: http.Server.Shutdown waits for them (up to 5 s), and an HTTP client's
// spare dial, made for a request that then got an idle connection, can leave one open for as
// long as the client lives. httptest.Server closes them the same way.
type unusedConns struct {
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	closing bool // after closeAll, a new connection is closed as it comes
}

// track is the server's ConnState hook.
func (u *unusedConns) track(c net.Conn, state http.ConnState) {
	u.mu.Lock()
	defer u.mu.Unlock()
	switch {
	case state == http.StateNew && u.closing:
		_ = c.Close()
	case state == http.StateNew:
		u.conns[c] = struct{}{}
	default:
		delete(u.conns, c)
	}
}

// closeAll closes the connections that have not sent a request, and those still to come.
func (u *unusedConns) closeAll() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.closing = true
	for c := range u.conns {
		_ = c.Close()
	}
	clear(u.conns)
}

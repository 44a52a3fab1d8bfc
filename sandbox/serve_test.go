package sandbox

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"testing"
	"time"
)

// served is a server started by startServe: its URL, and how to stop it and learn how it
// ended.
type served struct {
	url  string
	stop func() (error, time.Duration) // Serve's result, and how long it took to return
}

// startServe serves a store holding one company through serve with the given grace.
func startServe(t *testing.T, cfg Config, grace time.Duration) served {
	t.Helper()
	ctx := context.Background()
	store, err := OpenStore(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.LoadFixtures(ctx, strings.NewReader(`{"companies":[{"uId":1,"companyName":"甲"}]}`)); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Account, cfg.Password = "test", "secret"
	serveCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- serve(serveCtx, ln, store, cfg, grace) }()
	stopped := false
	stop := func() (error, time.Duration) {
		stopped = true
		start := time.Now()
		cancel()
		select {
		case err := <-done:
			return err, time.Since(start)
		case <-time.After(10 * time.Second):
			t.Fatal("Serve did not return 10 s after its context was cancelled")
			return nil, 0
		}
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return served{url: "http://" + ln.Addr().String(), stop: stop}
}

// get sends an authenticated GET of the company list with client and reports when the
// request has been written.
func get(client *http.Client, url string, written chan<- struct{}) (*http.Response, error) {
	return send(client, "GET", url, "", written)
}

// send sends an authenticated request to the company list with client and reports when the
// request has been written.
func send(client *http.Client, method, url, body string, written chan<- struct{}) (*http.Response, error) {
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { close(written) }}
	ctx := httptrace.WithClientTrace(context.Background(), trace)
	req, err := http.NewRequestWithContext(ctx, method, url+prefix+".json", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth("test", "secret")
	return client.Do(req)
}

// TestServeStopsWithOpenIdleConnections stops a server that holds a keep-alive connection
// between requests and a connection that never sent one (as an HTTP client's spare dial
// leaves): both are closed at once.
func TestServeStopsWithOpenIdleConnections(t *testing.T) {
	s := startServe(t, Config{}, shutdownGrace)
	client := &http.Client{Transport: &http.Transport{}}
	resp, err := get(client, s.url, make(chan struct{}))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close() // the connection stays open, idle, in the client's pool
	unused, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer unused.Close()
	time.Sleep(20 * time.Millisecond) // the server accepts it
	if err, took := s.stop(); err != nil || took > time.Second {
		t.Fatalf("Serve returned %v after %v, want nil at once", err, took)
	}
	unused.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := unused.Read(make([]byte, 1)); err == nil {
		t.Fatalf("the unused connection is still open (read %d bytes)", n)
	}
}

// TestServeCutsArtificialDelaysShort stops a server while a request waits out a long
// latency or slow fault: the request gets its answer at once, and Serve returns nil.
func TestServeCutsArtificialDelaysShort(t *testing.T) {
	slow := NewFaultInjector(Faults{Slow: 1, SlowFor: time.Minute})
	for name, cfg := range map[string]Config{
		"latency":    {Latency: time.Minute},
		"slow fault": {Middleware: []func(http.Handler) http.Handler{slow.Middleware}},
	} {
		t.Run(name, func(t *testing.T) {
			s := startServe(t, cfg, shutdownGrace)
			written := make(chan struct{})
			type answer struct {
				status int
				body   string
				err    error
			}
			answered := make(chan answer, 1)
			go func() {
				resp, err := get(http.DefaultClient, s.url, written)
				if err != nil {
					answered <- answer{err: err}
					return
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				answered <- answer{resp.StatusCode, string(b), err}
			}()
			<-written
			time.Sleep(20 * time.Millisecond) // the server reads the request and starts the wait
			if err, took := s.stop(); err != nil || took > time.Second {
				t.Fatalf("Serve returned %v after %v, want nil at once", err, took)
			}
			a := <-answered
			if a.err != nil || a.status != http.StatusOK || !strings.Contains(a.body, `"companyName":"甲"`) {
				t.Fatalf("the request in flight got %d %q (%v), want its answer", a.status, a.body, a.err)
			}
		})
	}
}

// TestServeCutsOffAHangingRequest: a handler that does not finish within the grace period is
// told to give up (its context is cancelled), its connection is closed, and Serve says so. The
// request is a POST whose body the handler leaves unread, so that closing the connection
// alone would not cancel the handler's context.
func TestServeCutsOffAHangingRequest(t *testing.T) {
	gaveUp := make(chan struct{})
	hang := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
			close(gaveUp)
		})
	}
	const grace = 50 * time.Millisecond
	s := startServe(t, Config{Middleware: []func(http.Handler) http.Handler{hang}}, grace)
	written := make(chan struct{})
	failed := make(chan error, 1)
	go func() {
		resp, err := send(http.DefaultClient, "POST", s.url, `{"company":{"companyName":"乙"}}`, written)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		failed <- err
	}()
	<-written
	time.Sleep(20 * time.Millisecond)
	err, took := s.stop()
	if err == nil || !strings.Contains(err.Error(), "cut off") || took < grace || took > grace+time.Second {
		t.Fatalf("Serve returned %v after %v, want the requests cut off after %v", err, took, grace)
	}
	select {
	case <-gaveUp:
	case <-time.After(time.Second):
		t.Fatal("the hanging handler's context was not cancelled")
	}
	if err := <-failed; err == nil {
		t.Fatal("the cut-off request got an answer")
	}
}

func TestServeFailsOnAClosedListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	store, err := OpenStore(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	err = Serve(context.Background(), ln, store, Config{})
	if err == nil || errors.Is(err, http.ErrServerClosed) || !strings.Contains(err.Error(), "serving on") {
		t.Fatalf("Serve on a closed listener: %v", err)
	}
}

package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
)

// lockedBuffer is a strings.Builder safe for one writer and one reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSandboxServesPersistsAndStops(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	start := func(env map[string]string, args ...string) (url string, stderr *lockedBuffer, stop func() int) {
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		stderr = &lockedBuffer{}
		done := make(chan int, 1)
		go func() {
			done <- runTest(ctx, append([]string{"sandbox", "--listen", ":0", "--db", db}, args...),
				&IOStreams{In: strings.NewReader(""), Out: pw, Err: stderr}, envOf(env))
			pw.Close()
		}()
		line, err := bufio.NewReader(pr).ReadString('\n')
		go io.Copy(io.Discard, pr)
		if !strings.HasPrefix(line, "sandbox listening on http://127.0.0.1:") {
			cancel()
			t.Fatalf("first line %q (%v); stderr %s", line, err, stderr.String())
		}
		return strings.TrimSpace(strings.TrimPrefix(line, "sandbox listening on ")), stderr, func() int {
			cancel()
			select {
			case code := <-done:
				return code
			case <-time.After(20 * time.Second):
				t.Fatal("sandbox did not stop")
				return -1
			}
		}
	}
	get := func(url, password string) int {
		req, _ := http.NewRequest("GET", url+"/api/v1/companies.json?deStat=1", nil)
		req.SetBasicAuth("test", password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	url, stderr, stop := start(map[string]string{"BANGWO8_PASSWORD": "s3cret-pw"}, "--account", "test", "--seed-companies", "50", "--seed", "9")
	if got := get(url, "s3cret-pw"); got != 200 {
		t.Errorf("GET with the env password: %d", got)
	}
	if got := get(url, "wrong"); got != 401 {
		t.Errorf("GET with a wrong password: %d", got)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "s3cret-pw") {
		t.Errorf("the password is in the log: %s", stderr.String())
	}

	// Started again on the same file: the data is there and is not seeded twice.
	url, stderr, stop = start(nil, "--account", "test", "--password", "pw2", "--seed-companies", "10")
	if got := get(url, "pw2"); got != 200 {
		t.Errorf("GET after restart: %d", got)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "not seeding") {
		t.Errorf("no word about skipping the seed: %s", stderr.String())
	}
	store, err := sandbox.OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if n, err := store.Count(context.Background(), true); err != nil || n != 50 {
		t.Errorf("%d companies after two runs (%v), want 50", n, err)
	}
}

func TestSandboxUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"remote listen", []string{"--listen", "0.0.0.0:8080", "--db", ":memory:", "--account", "a", "--password", "p"}, nil, "loopback"},
		{"remote host", []string{"--listen", "example.com:80", "--db", ":memory:", "--account", "a", "--password", "p"}, nil, "loopback"},
		{"bad listen", []string{"--listen", "nowhere", "--db", ":memory:", "--account", "a", "--password", "p"}, nil, "HOST:PORT"},
		{"no password", []string{"--db", ":memory:", "--account", "a"}, nil, "no password"},
		{"no account", []string{"--db", ":memory:", "--password", "p"}, nil, "--account"},
		{"no db", []string{"--account", "a", "--password", "p"}, nil, "--db"},
		{"negative rate", []string{"--db", ":memory:", "--account", "a", "--password", "p", "--rate", "-1"}, nil, "negative"},
		{"missing fixtures", []string{"--listen", ":0", "--db", ":memory:", "--account", "a", "--password", "p", "--fixtures", "/nonexistent.json"}, nil, "--fixtures"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			code := runTest(context.Background(), append([]string{"sandbox"}, tt.args...), &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(tt.env))
			if code != exitUsage || !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errOut.String(), exitUsage, tt.want)
			}
		})
	}
}

// TestSandboxStopsPromptlyWithARequestInFlight: SIGINT (here the cancelled context that
// main's signal.NotifyContext gives) stops the sandbox at once even while a request waits out
// --latency, and that request still gets its answer.
func TestSandboxStopsPromptlyWithARequestInFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	exited := make(chan int, 1)
	go func() {
		exited <- runTest(ctx, []string{"sandbox", "--listen", ":0", "--db", ":memory:", "--account", "test", "--password", "pw",
			"--seed-companies", "3", "--latency", "1m"}, &IOStreams{In: strings.NewReader(""), Out: pw, Err: stderr}, envOf(nil))
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "sandbox listening on ")
	if !ok {
		cancel()
		t.Fatalf("first line %q (%v); stderr %s", line, err, stderr.String())
	}

	written := make(chan struct{})
	status := make(chan int, 1)
	go func() {
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { close(written) }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", url+"/api/v1/companies.json", nil)
		req.SetBasicAuth("test", "pw")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("the request in flight: %v", err)
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	<-written
	time.Sleep(20 * time.Millisecond) // the sandbox reads the request and starts the wait
	start := time.Now()
	cancel()
	select {
	case code := <-exited:
		if code != exitOK || time.Since(start) > 2*time.Second {
			t.Fatalf("exit %d after %v; stderr %s", code, time.Since(start), stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the sandbox did not stop 10 s after the signal; stderr %s", stderr.String())
	}
	if got := <-status; got != http.StatusOK {
		t.Errorf("the request in flight got %d, want its answer", got)
	}
}

package bangwo8

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCallsGivenUpAreNotFailures: a call whose caller cancels it while it waits for its answer
// is logged at debug, not as a failed call; a call that fails is logged at info.
func TestCallsGivenUpAreNotFailures(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			http.Error(w, `{"error": "NotFound"}`, http.StatusNotFound)
			return
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	var logs bytes.Buffer
	c, err := NewClient(srv.URL, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, _, err := c.ListCompanies(ctx, &ListOptions{Page: 1})
		done <- err
	}()
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the cancelled call succeeded")
	}
	if logs.Len() != 0 {
		t.Errorf("a cancelled call was logged at info:\n%s", logs.String())
	}

	if _, _, err := c.ListCompanies(context.Background(), &ListOptions{Page: 2}); err == nil {
		t.Fatal("a 404 succeeded")
	}
	if !strings.Contains(logs.String(), "level=INFO msg=\"bangwo8 call\"") || !strings.Contains(logs.String(), "status=404") {
		t.Errorf("the failed call was not logged at info:\n%s", logs.String())
	}
}

package exporter

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// withDate answers with the Date header date ("" for none: the server's own clock).
func withDate(date string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if date != "" {
			w.Header().Set("Date", date)
		}
		h.ServeHTTP(w, r)
	})
}

// TestStateNewestNeverPastTheServersClock: the literal server's companies are all updated
// 2022-11-15 10:33:16. Against a server whose Date says 2022-11-14, they lie more than
// FutureMargin ahead: each is written, named (up to MaxFutureListed) and counted, and the
// state does not move. Against a clock a day later, or a Date that cannot be read (this
// machine's clock then), the state records them.
func TestStateNewestNeverPastTheServersClock(t *testing.T) {
	for _, tt := range []struct {
		date       string
		future     int
		wantNewest string
	}{
		{"Mon, 14 Nov 2022 00:00:00 GMT", 30, ""},
		{"Wed, 16 Nov 2022 00:00:00 GMT", 0, "2022-11-15 10:33:16"},
		{"Mon, 14 Nov 2022 11:00:00 GMT", 0, "2022-11-15 10:33:16"}, // within the margin (a zone ahead of GMT)
		{"yesterday", 0, "2022-11-15 10:33:16"},
	} {
		dir := t.TempDir()
		api := literalClient(t, withDate(tt.date, &literalServer{total: 30, maxPerPage: 100}))
		o := Options{Out: filepath.Join(dir, "out.csv"), StatePath: filepath.Join(dir, "state.json"), Filter: Filter{IncludeDeleted: true},
			Server: "http://s", Account: "a"}
		sum, err := Run(context.Background(), api, o)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Companies != 30 || sum.FutureCount != tt.future || len(sum.Future) != min(tt.future, MaxFutureListed) {
			t.Errorf("Date %q: %d written, %d future (%d named), want 30, %d", tt.date, sum.Companies, sum.FutureCount, len(sum.Future), tt.future)
		}
		if tt.future > 0 && (sum.Future[0].UID != 1 || sum.Future[0].UpdateDT != "2022-11-15 10:33:16" || sum.Future[0].Name != "公司1") {
			t.Errorf("Date %q: first future company %+v", tt.date, sum.Future[0])
		}
		st, err := LoadState(o.StatePath)
		if err != nil {
			t.Fatal(err)
		}
		if st.Newest != tt.wantNewest || st.Server != "http://s" || st.Account != "a" {
			t.Errorf("Date %q: state newest %q server %q account %q, want %q", tt.date, st.Newest, st.Server, st.Account, tt.wantNewest)
		}
		// The next run against another account is refused.
		o.Account = "b"
		var mismatch *StateMismatchError
		if _, err := Run(context.Background(), api, o); !errors.As(err, &mismatch) || mismatch.Account != "a" || mismatch.RunAccount != "b" {
			t.Errorf("another account: %v", err)
		}
	}
}

func TestLatestPossible(t *testing.T) {
	now := time.Date(2024, 5, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	if got := latestPossible(now); got != "2024-05-02 01:00:00" {
		t.Errorf("latestPossible = %q", got)
	}
}

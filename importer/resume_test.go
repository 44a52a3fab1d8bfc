package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
	"github.com/bangwo8-etl/bangwo8-etl/report"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// manyRows returns n rows of new companies: 公司N with account acc-N.
func manyRows(n int) [][]string {
	rows := [][]string{testHeader}
	for i := 1; i <= n; i++ {
		rows = append(rows, []string{"", fmt.Sprintf("新公司%03d", i), fmt.Sprintf("acc-%03d", i), "2020-01-01", "", "", ""})
	}
	return rows
}

// cancelAfter cancels when the sandbox has received n creates.
func cancelAfter(n int64, cancel context.CancelFunc) func(http.Handler) http.Handler {
	var seen atomic.Int64
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && seen.Add(1) == n {
				cancel()
			}
			next.ServeHTTP(w, r)
		})
	}
}

func assertNoDuplicates(t *testing.T, c *bangwo8.Client, want int) {
	t.Helper()
	byName := map[string]int{}
	for _, co := range all(t, c) {
		byName[co.CompanyName]++
	}
	if len(byName) != want {
		t.Errorf("%d distinct companies, want %d", len(byName), want)
	}
	for name, n := range byName {
		if n > 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
}

func TestImportCancelledThenResumedCreatesNoDuplicates(t *testing.T) {
	for _, match := range []string{"serviceaccount", ""} {
		t.Run("match="+match, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, c, cnt := newSandbox(t, sandboxtest.WithConfig(func(cfg *sandbox.Config) {
				cfg.Latency = 5 * time.Millisecond
				cfg.Middleware = append(cfg.Middleware, cancelAfter(15, cancel))
			}))
			in := tempPath(t, "in.csv")
			writeCSV(t, in, manyRows(40), "utf8")
			journalPath := tempPath(t, "journal.jsonl")
			m := testMapping(t, match)
			opts := Options{Mode: ModeCreate, Journal: journalPath, Concurrency: 3, MappingDigest: "m1"}
			sum, err := Import(ctx, c, in, m, opts)
			if err == nil || !sum.Interrupted {
				t.Fatalf("first run: %v, %+v; want interrupted", err, sum)
			}
			if sum.Created < 15 || sum.Created > 18 || sum.Skipped != 40-sum.Created {
				t.Errorf("first run: %+v", sum)
			}
			// Forget the last three finished rows, as a kill before the journal reached the disk
			// would: the resumed run must find them, not create them again.
			dropLastLines(t, journalPath, 3)

			rep := tempPath(t, "report.csv")
			opts.Report = rep
			sum2, err := Import(context.Background(), c, in, m, opts)
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			assertNoDuplicates(t, c, 40)
			if sum2.Skipped != sum.Created-3 || sum2.Created != 40-sum2.Skipped {
				t.Errorf("resume: %+v after %+v", sum2, sum)
			}
			if posts := cnt.posts.Load(); posts != 40 {
				t.Errorf("%d creates sent, want 40", posts)
			}
			found := 0
			for _, r := range readReport(t, rep) {
				if r.Action == report.ActionCreated && r.Note == lang.Chinese.NoteFoundCreated() {
					found++
				}
			}
			if found != 3 {
				t.Errorf("%d rows found as created by the interrupted run, want 3", found)
			}
		})
	}
}

// dropLastLines removes the last n finished rows from the journal, keeping the record that
// their creates were sent, and leaves a torn line at the end: what a kill between the answer
// and the journal's write leaves.
func dropLastLines(t *testing.T, path string, n int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	var kept [][]byte
	dropped := 0
	for i := len(lines) - 1; i >= 0; i-- {
		if dropped < n && bytes.Contains(lines[i], []byte(`"action":"created"`)) {
			dropped++
			continue
		}
		kept = append([][]byte{lines[i]}, kept...)
	}
	out := append(bytes.Join(kept, nil), []byte(`{"row":9`)...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestJournalAcrossFixes: after the invalid rows of a file are fixed, the same command with
// the same journal continues: the rows an earlier run finished are skipped (recognised by
// their key, or by their content without one), the fixed rows are written, nothing twice.
func TestJournalAcrossFixes(t *testing.T) {
	for _, match := range []string{"serviceaccount", ""} {
		t.Run("match="+match, func(t *testing.T) {
			_, c, cnt := newSandbox(t)
			in := tempPath(t, "in.csv")
			rows := manyRows(4)
			rows[2][3] = "2020-02-31" // row 3: no such day
			writeCSV(t, in, rows, "utf8")
			j := tempPath(t, "j.jsonl")
			m := testMapping(t, match)
			opts := Options{Journal: j, MappingDigest: "a", Account: "me", Server: "http://x", SkipInvalid: true}
			sum, err := Import(context.Background(), c, in, m, opts)
			if err != nil || sum.Created != 3 || sum.Invalid != 1 {
				t.Fatalf("first run: %+v, %v", sum, err)
			}
			rows[2][3] = "2020-02-28"
			rows = append(rows[:1], append([][]string{rows[4]}, rows[1:4]...)...) // and the rows moved
			writeCSV(t, in, rows, "utf8")
			sum, err = Import(context.Background(), c, in, m, opts)
			if err != nil || sum.Created != 1 || sum.Skipped != 3 || sum.Invalid != 0 {
				t.Fatalf("after the fix: %+v, %v", sum, err)
			}
			if n := cnt.posts.Load(); n != 4 {
				t.Errorf("%d creates, want 4", n)
			}
		})
	}
}

// TestJournalOfAnotherRunIsRefused: a journal written for another account, server, mapping
// or mode says which.
func TestJournalOfAnotherRunIsRefused(t *testing.T) {
	_, c, _ := newSandbox(t)
	in := tempPath(t, "in.csv")
	writeCSV(t, in, manyRows(2), "utf8")
	j := tempPath(t, "j.jsonl")
	m := testMapping(t, "serviceaccount")
	base := Options{Journal: j, MappingDigest: "a", Account: "me", Server: "http://x"}
	if _, err := Import(context.Background(), c, in, m, base); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		change func(*Options)
		want   string
	}{
		{func(o *Options) { o.Account = "other" }, `written for account "me", not "other"`},
		{func(o *Options) { o.Server = "http://y" }, "written for the server http://x, not http://y"},
		{func(o *Options) { o.MappingDigest = "b" }, "another mapping"},
		{func(o *Options) { o.Mode = ModeCreate }, "mode upsert, not create"},
	} {
		o := base
		tt.change(&o)
		_, err := Import(context.Background(), c, in, m, o)
		if !errors.Is(err, ErrJournalMismatch) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v, want %q", err, tt.want)
		}
	}
	writeCSV(t, in, manyRows(3), "utf8") // another file, same run: fine
	if sum, err := Import(context.Background(), c, in, m, base); err != nil || sum.Created != 1 || sum.Skipped != 2 {
		t.Errorf("the same run on a longer file: %+v, %v", sum, err)
	}
}

// loseAnswers commits the first n creates and drops the connection without an answer.
func loseAnswers(n int64) func(http.Handler) http.Handler {
	var lost atomic.Int64
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || lost.Add(1) > n {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(httptest.NewRecorder(), r)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				panic(err)
			}
			conn.Close()
		})
	}
}

func TestLostCreateAnswersAreLookedUpNotRepeated(t *testing.T) {
	for _, match := range []string{"serviceaccount", ""} {
		t.Run("match="+match, func(t *testing.T) {
			_, c, cnt := newSandbox(t, sandboxtest.WithConfig(func(cfg *sandbox.Config) {
				cfg.Middleware = append(cfg.Middleware, loseAnswers(4))
			}))
			in := tempPath(t, "in.csv")
			writeCSV(t, in, manyRows(10), "utf8")
			sum, err := Import(context.Background(), c, in, testMapping(t, match), Options{Mode: ModeCreate, Concurrency: 2})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Created != 10 || sum.Failed != 0 {
				t.Errorf("summary %+v", sum)
			}
			assertNoDuplicates(t, c, 10)
			if cnt.posts.Load() != 10 {
				t.Errorf("%d creates sent, want 10", cnt.posts.Load())
			}
		})
	}
}

func TestRateLimitedRunLosesNothing(t *testing.T) {
	_, c0, cnt := newSandbox(t, sandboxtest.WithConfig(func(cfg *sandbox.Config) { cfg.Rate = 20 }))
	_ = c0
	var got429 atomic.Int64
	ts := c0.BaseURL()
	pacer := ratelimit.New(ratelimit.Config{RPS: 50, Burst: 10})
	c, err := bangwo8.NewClient(ts, bangwo8.WithBasicAuth("test", "secret"), bangwo8.WithPacer(pacer), bangwo8.WithHTTPClient(&http.Client{
		Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := http.DefaultTransport.RoundTrip(r)
			if err == nil && resp.StatusCode == http.StatusTooManyRequests {
				got429.Add(1)
			}
			return resp, err
		}),
	}))
	if err != nil {
		t.Fatal(err)
	}
	in := tempPath(t, "in.csv")
	writeCSV(t, in, manyRows(40), "utf8")
	sum, err := Import(context.Background(), c, in, testMapping(t, "serviceaccount"), Options{Concurrency: 8})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 40 || sum.Failed != 0 {
		t.Errorf("summary %+v", sum)
	}
	if got429.Load() == 0 {
		t.Error("no 429: the test did not exercise the limit")
	}
	assertNoDuplicates(t, c, 40)
	t.Logf("%d answers were 429; %d creates sent", got429.Load(), cnt.posts.Load())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

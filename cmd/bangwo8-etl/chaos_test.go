package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// chaosLong runs the chaos tests at the size of the issue: 2,000 rows, three kills
// (bench/chaos.sh sets it). The default run is small enough for every `go test`.
var chaosLong = flag.Bool("chaos.long", false, "run the chaos tests at full size (2,000 rows, three SIGKILLs)")

// chaosFaults is the fault mix.
const chaosFaults = "error500=0.1,ratelimit429=0.05,lost-response=0.05,reset=0.03"

// chaosCase is an upsert of rows: the odd ones update a company that exists (new name, date
// and charge), the even ones create one. Every row has its own service account.
type chaosCase struct {
	rows     int
	fixtures []byte
	input    [][]string
}

func newChaosCase(rows int) chaosCase {
	c := chaosCase{rows: rows}
	var fx []string
	for i := 1; i <= rows; i++ {
		acc := fmt.Sprintf("chaos-%04d", i)
		if i%2 == 1 {
			fx = append(fx, fmt.Sprintf(`{"uId": %d, "companyName": "旧公司%04d", "serviceaccount": %q}`, 10000+i, i, acc))
		}
		c.input = append(c.input, []string{fmt.Sprintf("混沌公司%04d", i), acc, fmt.Sprintf("2020-%02d-%02d", i%12+1, i%28+1), fmt.Sprintf("%d.50", i), ""})
	}
	c.fixtures = []byte(`{"companies": [` + strings.Join(fx, ",\n") + `]}`)
	return c
}

// verify checks the sandbox's end state with faults off: one company per row, holding the
// row's values, and nothing else.
func (c chaosCase) verify(t *testing.T, e *importEnv) (duplicates, lost int) {
	t.Helper()
	cos := e.companies()
	for _, row := range c.input {
		got := cos[row[1]]
		switch {
		case len(got) == 0:
			lost++
			t.Errorf("%s: no company (lost)", row[1])
		case len(got) > 1:
			duplicates += len(got) - 1
			t.Errorf("%s: %d companies (duplicated)", row[1], len(got))
		case got[0].CompanyName != row[0] || got[0].ServiceStartTime != row[2] || got[0].ServiceCharge != row[3]:
			t.Errorf("%s: %s %s %s, want %s %s %s", row[1], got[0].CompanyName, got[0].ServiceStartTime, got[0].ServiceCharge, row[0], row[2], row[3])
		}
	}
	total := 0
	for _, list := range cos {
		total += len(list)
	}
	if total != c.rows {
		t.Errorf("the sandbox holds %d companies, want %d", total, c.rows)
	}
	return duplicates, lost
}

// switchableFaults injects fi's faults while on is set, so that a test can check the end
// state without faults.
func switchableFaults(fi *sandbox.FaultInjector, on *atomic.Bool) sandboxtest.Option {
	return sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append(c.Middleware, func(next http.Handler) http.Handler {
			faulty := fi.Middleware(next)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if on.Load() {
					faulty.ServeHTTP(w, r)
					return
				}
				next.ServeHTTP(w, r)
			})
		})
	})
}

func mustFaults(t *testing.T, spec string, seed uint64) sandbox.Faults {
	t.Helper()
	f, err := sandbox.ParseFaults(spec)
	if err != nil {
		t.Fatal(err)
	}
	f.Seed = seed
	return f
}

// summaryLine returns the JSON log line whose msg is msg.
func summaryLine(t *testing.T, stderr, msg string) map[string]any {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == msg {
			return m
		}
	}
	t.Fatalf("no %q line in:\n%s", msg, stderr)
	return nil
}

// reportActions counts the report's actions and checks it has one line per row.
func reportActions(t *testing.T, path string, rows int) map[string]int {
	t.Helper()
	rep := readReportCSV(t, path)
	if len(rep) != rows+1 {
		t.Fatalf("report has %d lines, want %d rows and a header", len(rep)-1, rows)
	}
	got := map[string]int{}
	for _, line := range rep[1:] {
		got[line[1]]++
		if line[1] == "failed" && line[6] == "" {
			t.Errorf("failed row %s without an error", line[0])
		}
	}
	return got
}

// TestChaosImport imports the chaos case through the command while the sandbox answers 500,
// 429, loses answers after committing, and resets connections. A first run accounts for every
// row in its report (done, or failed with the reason); running it again with the same journal,
// as the README tells, finishes the failed ones; the end state is exact.
func TestChaosImport(t *testing.T) {
	rows := 80
	if *chaosLong {
		rows = 2000
	}
	c := newChaosCase(rows)
	fi := sandbox.NewFaultInjector(mustFaults(t, chaosFaults, 5))
	var on atomic.Bool
	on.Store(true)
	e := newImportEnv(t, sandboxtest.WithFixtures(c.fixtures), switchableFaults(fi, &on))
	in := e.csvFile("in.csv", "utf8", c.input...)
	journal := e.path("journal.jsonl")
	retries := 0
	for pass := 1; ; pass++ {
		report := e.path(fmt.Sprintf("report%d.csv", pass))
		code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth,
			"--journal", journal, "--report", report, "--rps", "500", "--burst", "20", "--concurrency", "8",
			"--log-format", "json")
		retries += strings.Count(stderr, `"msg":"bangwo8 retry"`)
		actions := reportActions(t, report, rows)
		sum := summaryLine(t, stderr, "import done")
		t.Logf("pass %d: exit %d, report %v, writes %v, 429s %v, final rate %v", pass, code, actions, sum["writes"], sum["answers_429"], sum["rate_final"])
		if actions["invalid"] > 0 || actions["created"]+actions["updated"]+actions["unchanged"]+actions["failed"]+actions["skipped"] != rows {
			t.Fatalf("pass %d: report %v does not account for %d rows", pass, actions, rows)
		}
		if code == exitOK {
			break
		}
		if code != exitPartial || actions["failed"] == 0 || pass == 4 {
			t.Fatalf("pass %d: exit %d, report %v\n%s", pass, code, actions, stderr)
		}
	}
	on.Store(false)
	counts := fi.Counts()
	dup, lost := c.verify(t, e)
	t.Logf("chaos import: rows=%d faults{%v} client_retries=%d duplicates=%d lost=%d", rows, counts, retries, dup, lost)
	if counts.Error500 == 0 || counts.RateLimit429 == 0 || counts.LostResponse == 0 || counts.Reset == 0 {
		t.Errorf("faults %v: some kind never hit", counts)
	}
}

// TestChaosImportKilledAndResumed runs the chaos import in a process of its own under the
// faults, kills it (SIGKILL) at random moments and runs the same command again each time,
// until it finishes: the end state is the same as an undisturbed run's.
func TestChaosImportKilledAndResumed(t *testing.T) {
	rows, kills := 60, 1
	if *chaosLong {
		rows, kills = 2000, 3
	}
	c := newChaosCase(rows)
	fi := sandbox.NewFaultInjector(mustFaults(t, chaosFaults, 11))
	var on atomic.Bool
	on.Store(true)
	e := newImportEnv(t, sandboxtest.WithFixtures(c.fixtures), switchableFaults(fi, &on))
	in := e.csvFile("in.csv", "utf8", c.input...)
	journal := e.path("journal.jsonl")
	command := func(stderr io.Writer) *exec.Cmd {
		cmd := cliProcess(t, []string{"BANGWO8_PASSWORD=" + e.srv.Password}, "import", "--in", in, "--mapping", e.mappingPth,
			"--journal", journal, "--report", e.path("report.csv"), "--concurrency", "8", "--rps", "500", "--burst", "20",
			"--base-url", e.srv.URL, "--account", e.srv.Account, "--log-format", "json", "--no-progress")
		cmd.Stderr = stderr
		return cmd
	}
	writes := func() int64 { return e.posts.Load() + e.puts.Load() }
	rng := rand.New(rand.NewPCG(3, 4))
	killed := 0
	for k := 0; k < kills; k++ {
		// A random moment: after some more writes reached the server.
		target := writes() + 5 + rng.Int64N(int64(rows/(kills+1)))
		cmd := command(io.Discard)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		deadline := time.After(2 * time.Minute)
	wait:
		for writes() < target {
			select {
			case <-exited:
				break wait
			case <-deadline:
				break wait
			case <-time.After(2 * time.Millisecond):
			}
		}
		if cmd.Process.Kill() == nil { // SIGKILL: no cleanup, no final journal sync
			killed++
		}
		<-exited
		t.Logf("kill %d at %d writes", k+1, writes())
	}
	for pass := 1; ; pass++ {
		var stderr bytes.Buffer
		err := command(&stderr).Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		actions := reportActions(t, e.path("report.csv"), rows)
		t.Logf("resumed run %d: exit %d, report %v", pass, code, actions)
		if code == exitOK {
			break
		}
		if code != exitPartial || pass == 4 {
			t.Fatalf("resumed run %d: exit %d\n%s", pass, code, stderr.String())
		}
	}
	on.Store(false)
	dup, lost := c.verify(t, e)
	t.Logf("chaos import killed %d times: rows=%d faults{%v} duplicates=%d lost=%d", killed, rows, fi.Counts(), dup, lost)
}

// TestChaosExport exports under the fault mix, 5 companies a page: every company is in
// the file exactly once.
func TestChaosExport(t *testing.T) {
	n := 300
	if *chaosLong {
		n = 2000
	}
	fi := sandbox.NewFaultInjector(mustFaults(t, chaosFaults, 7))
	var on atomic.Bool
	on.Store(true)
	e := newExportEnv(t, sandboxtest.WithSeed(n, 3), switchableFaults(fi, &on))
	out := e.path("all.csv")
	stderr := e.export("--out", out, "--per-page", "5", "--include-deleted", "--rps", "500", "--burst", "20",
		"--concurrency", "4", "--log-format", "json")
	on.Store(false)
	rows := readCSV(t, out, true)
	seen := map[string]int{}
	for _, r := range rows[1:] {
		seen[r[0]]++
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("company %s written %d times", id, k)
		}
	}
	if len(seen) != n || len(rows)-1 != n {
		t.Errorf("%d rows, %d distinct companies; want %d", len(rows)-1, len(seen), n)
	}
	sum := summaryLine(t, stderr, "export done")
	t.Logf("chaos export: companies=%v pages=%v faults{%v} retries=%d", sum["companies"], sum["pages"], fi.Counts(),
		strings.Count(stderr, `"msg":"bangwo8 retry"`))
	if fi.Counts().Injected() == 0 {
		t.Error("no fault was injected")
	}
}

// TestRPSAboveServerRateSettles imports with --rps 200 into a sandbox that allows 50 calls a
// second: the run finishes, every row is created once, the summary reports the pace the calls
// went at and the 429s, and the 429s are few: the pacer holds back instead of hammering.
func TestRPSAboveServerRateSettles(t *testing.T) {
	// Paced by the sandbox's 50 calls a second, not by work: overlap the wait.
	t.Parallel()
	rows := 150
	if *chaosLong {
		rows = 3000
	}
	e := newImportEnv(t, sandboxtest.WithConfig(func(c *sandbox.Config) { c.Rate = 50 }))
	var input [][]string
	for i := 1; i <= rows; i++ {
		input = append(input, []string{fmt.Sprintf("限速公司%04d", i), fmt.Sprintf("rate-%04d", i), "", "", ""})
	}
	in := e.csvFile("in.csv", "utf8", input...)
	// What is measured is how the pacer settles under the server's own pauses, so a 429 holds
	// the calls as long as its Retry-After says (a second), as in production: with the quick
	// settings' 20ms the pacer would ask again long before the server's bucket refilled, and
	// the count of 429s would measure how busy the machine is. Retries still back off quickly.
	s, _ := testSettings()
	s.pacer.MaxRetryAfter, s.pacer.DefaultRetryAfter = 0, 0
	var out, errb bytes.Buffer
	code := runWith(context.Background(), []string{"import", "--in", in, "--mapping", e.mappingPth, "--mode", "create",
		"--rps", "200", "--burst", "10", "--concurrency", "8", "--log-format", "json", "--no-progress"},
		&IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb}, e.getenv, s)
	stderr := errb.String()
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	sum := summaryLine(t, stderr, "import done")
	calls, _ := sum["calls"].(float64)
	limited, _ := sum["answers_429"].(float64)
	if _, ok := sum["calls_per_second"]; !ok || calls < float64(rows) {
		t.Fatalf("summary %v: no pace figures", sum)
	}
	t.Logf("--rps 200 against --rate 50: %d rows, %v calls in %v s = %v calls/s, %v answers 429, %v step-downs, pacer rate at the end %v/s",
		rows, calls, sum["seconds"], sum["calls_per_second"], limited, sum["rate_steps_down"], sum["rate_final"])
	if limited == 0 || limited > calls/10 {
		t.Errorf("%v answers 429 of %v calls: want some (the server was asked too fast) but few", limited, calls)
	}
	cos := e.companies()
	for _, row := range input {
		if len(cos[row[1]]) != 1 {
			t.Errorf("%s: %d companies", row[1], len(cos[row[1]]))
		}
	}
}

// TestSandboxCommandFaults serves with --faults and --fault-seed: calls get the fault, and the
// counters are logged at shutdown; a bad spec is a usage error naming the item.
func TestSandboxCommandFaults(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- runTest(ctx, []string{"sandbox", "--listen", ":0", "--db", ":memory:", "--account", "a", "--password", "p",
			"--faults", "error500=1", "--fault-seed", "7"}, &IOStreams{In: strings.NewReader(""), Out: pw, Err: stderr}, envOf(nil))
		pw.Close()
	}()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	url := strings.TrimSpace(strings.TrimPrefix(line, "sandbox listening on "))
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/companies.json", nil)
		req.SetBasicAuth("a", "p")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			t.Fatalf("%q: %v", line, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("status %d, want the injected 500", resp.StatusCode)
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	for _, want := range []string{"error500=1", "fault_seed=7", "sandbox faults injected", "requests=3", "error500=3"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, stderr.String())
		}
	}

	var out, errOut strings.Builder
	code := runTest(context.Background(), []string{"sandbox", "--db", ":memory:", "--account", "a", "--password", "p", "--faults", "error500=2"},
		&IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil))
	if code != exitUsage || !strings.Contains(errOut.String(), `--faults: faults: "error500=2"`) {
		t.Errorf("bad --faults: exit %d, %s", code, errOut.String())
	}
}

// TestRetriesFlag: --retries bounds how often a read is sent again after a 500; a negative
// value is a usage error.
func TestRetriesFlag(t *testing.T) {
	var failing atomic.Int64
	e := newExportEnv(t, sandboxtest.WithSeed(5, 1), sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append(c.Middleware, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if failing.Add(-1) >= 0 {
					http.Error(w, `{"error":"InternalError","description":"injected"}`, http.StatusInternalServerError)
					return
				}
				next.ServeHTTP(w, r)
			})
		})
	}))
	for _, tt := range []struct {
		retries  string
		failures int64
		want     int
	}{{"3", 3, exitOK}, {"1", 2, exitFailed}, {"-1", 0, exitUsage}} {
		failing.Store(tt.failures)
		code, stderr := e.run(context.Background(), "export", "--out", e.path("r"+tt.retries+".csv"), "--retries", tt.retries, "--concurrency", "1", "--no-progress")
		if code != tt.want {
			t.Errorf("--retries %s after %d failures: exit %d, want %d\n%s", tt.retries, tt.failures, code, tt.want, stderr)
		}
	}
}

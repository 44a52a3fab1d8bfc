package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/internal/runlock"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// TestTwoRunsOnOneJournal starts an import in a process of its own whose first create the
// sandbox holds back, and runs the same command meanwhile: the second run exits 2 at once
// naming the first's process, and writes nothing. The first then finishes; every row is one
// company; a run after it finds every row done.
func TestTwoRunsOnOneJournal(t *testing.T) {
	release := make(chan struct{})
	e := newImportEnv(t, sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append(c.Middleware, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					<-release
				}
				next.ServeHTTP(w, r)
			})
		})
	}))
	var rows [][]string
	for i := 1; i <= 20; i++ {
		rows = append(rows, []string{fmt.Sprintf("并发公司%02d", i), fmt.Sprintf("lock-%02d", i), "", "", ""})
	}
	in := e.csvFile("in.csv", "utf8", rows...)
	journal := e.path("run.jsonl")
	args := []string{"import", "--in", in, "--mapping", e.mappingPth, "--journal", journal, "--no-progress"}
	first := cliProcess(t, []string{"BANGWO8_PASSWORD=" + e.srv.Password},
		append(args, "--base-url", e.srv.URL, "--account", e.srv.Account, "--concurrency", "1")...)
	var firstErr bytes.Buffer
	first.Stderr = &firstErr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- first.Wait() }()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
		first.Process.Kill()
	}()
	for deadline := time.Now().Add(time.Minute); e.posts.Load() == 0; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the first run sent no create\n%s", firstErr.String())
		}
	}

	code, _, stderr := e.run(context.Background(), args...)
	if code != exitUsage {
		t.Fatalf("second run: exit %d, want 2\n%s", code, stderr)
	}
	pid := strconv.Itoa(first.Process.Pid)
	for _, want := range []string{journal, "进程 " + pid, "process " + pid, "one run at a time"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("second run's message lacks %q:\n%s", want, stderr)
		}
	}
	if n := e.posts.Load(); n != 1 {
		t.Errorf("%d creates reached the server, want only the first run's held one", n)
	}

	close(release)
	if err := <-exited; err != nil {
		t.Fatalf("first run: %v\n%s", err, firstErr.String())
	}
	cos := e.companies()
	for _, r := range rows {
		if n := len(cos[r[1]]); n != 1 {
			t.Errorf("%s: %d companies", r[1], n)
		}
	}
	if _, err := os.Stat(runlock.Path(journal)); !os.IsNotExist(err) {
		t.Errorf("lock file left after the run: %v", err)
	}
	code, _, stderr = e.run(context.Background(), append(args, "--log-format", "json")...)
	if sum := summaryLine(t, stderr, "import done"); code != exitOK || sum["skipped"] != float64(len(rows)) || sum["writes"] != 0.0 {
		t.Errorf("third run: exit %d, %v", code, sum)
	}
	// Every line of the journal is whole: the header and one per row (no intent is left
	// without its outcome).
	b, _ := os.ReadFile(journal)
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("journal line %d is not JSON: %q", i+1, line)
		}
	}
}

// TestStateFileHeldByAnotherRun: an export with a state file another run holds exits 2
// naming the holder, and leaves the state and the output alone.
func TestStateFileHeldByAnotherRun(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(exportFixtures)))
	state := e.path("state.json")
	lock, err := runlock.Acquire(state, "a test holding the state")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	out := e.path("out.csv")
	code, stderr := e.run(context.Background(), "export", "--out", out, "--state", state, "--no-progress")
	if code != exitUsage || !strings.Contains(stderr, "进程 "+strconv.Itoa(os.Getpid())) || !strings.Contains(stderr, "a test holding the state") {
		t.Fatalf("exit %d, want 2 naming this process\n%s", code, stderr)
	}
	for _, p := range []string{out, state} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s: %v, want nothing", p, err)
		}
	}
	lock.Release()
	e.export("--out", out, "--state", state)
}

// TestJournalAndStateOfAnotherServer: the README's rehearsal against one server, then the
// real run against another with the same journal or state file: refused in plain words
// (exit 2), nothing written to the second server.
func TestJournalAndStateOfAnotherServer(t *testing.T) {
	rehearsal := newImportEnv(t)
	real := newImportEnv(t)
	in := rehearsal.csvFile("in.csv", "utf8", []string{"演练公司", "rh-1", "", "", ""}, []string{"演练公司二", "rh-2", "", "", ""})
	journal := rehearsal.path("run.jsonl")
	if code, _, stderr := rehearsal.run(context.Background(), "import", "--in", in, "--mapping", rehearsal.mappingPth, "--journal", journal); code != exitOK {
		t.Fatalf("rehearsal: exit %d\n%s", code, stderr)
	}
	code, _, stderr := real.run(context.Background(), "import", "--in", in, "--mapping", rehearsal.mappingPth, "--journal", journal)
	if code != exitUsage {
		t.Fatalf("real run with the rehearsal's journal: exit %d, want 2\n%s", code, stderr)
	}
	for _, want := range []string{"日志文件是另一次导入的", "written for the server " + rehearsal.srv.URL + ", not " + real.srv.URL, "another journal file"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("message lacks %q:\n%s", want, stderr)
		}
	}
	if n := real.posts.Load() + real.puts.Load(); n != 0 || len(real.companies()) != 0 {
		t.Errorf("the real server got %d writes", n)
	}
	// The account too: same server, another account.
	other := func(k string) string {
		if k == "BANGWO8_ACCOUNT" {
			return "someone-else"
		}
		return rehearsal.getenv(k)
	}
	var errb bytes.Buffer
	code = runTest(context.Background(), []string{"import", "--in", in, "--mapping", rehearsal.mappingPth, "--journal", journal, "--no-progress"},
		&IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &errb}, other)
	if code != exitUsage || !strings.Contains(errb.String(), `written for account "`+rehearsal.srv.Account+`", not "someone-else"`) {
		t.Errorf("journal of another account: exit %d\n%s", code, errb.String())
	}

	// The state file of an incremental export.
	state := rehearsal.path("state.json")
	code, _, stderr = rehearsal.run(context.Background(), "export", "--out", rehearsal.path("r.csv"), "--state", state)
	if code != exitOK {
		t.Fatalf("rehearsal export: exit %d\n%s", code, stderr)
	}
	var st struct{ Server, Account string }
	b, _ := os.ReadFile(state)
	if err := json.Unmarshal(b, &st); err != nil || st.Server != rehearsal.srv.URL || st.Account != rehearsal.srv.Account {
		t.Errorf("state %s does not name its service: %v", b, err)
	}
	out := real.path("real.csv")
	code, _, stderr = real.run(context.Background(), "export", "--out", out, "--state", state)
	if code != exitUsage {
		t.Fatalf("export with the rehearsal's state: exit %d, want 2\n%s", code, stderr)
	}
	for _, want := range []string{"状态文件", "不属于这个服务", real.srv.URL, rehearsal.srv.URL, "use another state file"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("message lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("export wrote %s: %v", out, err)
	}
	// A state written before states named their service is accepted, and bound.
	os.WriteFile(state, []byte(`{"version": 1, "newest_update": "", "seen": {}, "source": ""}`), 0o644)
	if code, _, stderr := real.run(context.Background(), "export", "--out", out, "--state", state); code != exitOK {
		t.Fatalf("unbound state: exit %d\n%s", code, stderr)
	}
	b, _ = os.ReadFile(state)
	if json.Unmarshal(b, &st); st.Server != real.srv.URL {
		t.Errorf("the unbound state was not bound: %s", b)
	}
}

// TestDamagedJournalLine: a journal with a damaged line before its last is refused (exit 2)
// with the line, the rows kept and the way to recover; done as said, the run goes on and
// creates nothing twice.
func TestDamagedJournalLine(t *testing.T) {
	e := newImportEnv(t)
	var rows [][]string
	for i := 1; i <= 6; i++ {
		rows = append(rows, []string{fmt.Sprintf("损坏公司%d", i), fmt.Sprintf("dmg-%d", i), "", "", ""})
	}
	in := e.csvFile("in.csv", "utf8", rows...)
	journal := e.path("run.jsonl")
	args := []string{"import", "--in", in, "--mapping", e.mappingPth, "--journal", journal, "--concurrency", "1"}
	if code, _, stderr := e.run(context.Background(), args...); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(journal)
	lines := strings.SplitAfter(string(b), "\n")
	// Lines: header, then intent and outcome for each row. Garble line 6 (row 3's intent
	// or outcome) as two writers interleaving would.
	lines[5] = `{"row":3,"id":"key:dmg-3","act{"row":4` + "\n"
	os.WriteFile(journal, []byte(strings.Join(lines, "")), 0o644)
	code, _, stderr := e.run(context.Background(), args...)
	if code != exitUsage {
		t.Fatalf("damaged journal: exit %d, want 2\n%s", code, stderr)
	}
	for _, want := range []string{"第 6 行已损坏", "删掉损坏的行", "line 6 is damaged", "delete the damaged line"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("message lacks %q:\n%s", want, stderr)
		}
	}
	// Recover as told: delete the line.
	os.WriteFile(journal, []byte(strings.Join(slices.Delete(lines, 5, 6), "")), 0o644)
	code, _, stderr = e.run(context.Background(), append(args, "--log-format", "json")...)
	if code != exitOK {
		t.Fatalf("after deleting the line: exit %d\n%s", code, stderr)
	}
	if sum := summaryLine(t, stderr, "import done"); sum["created"] != 0.0 {
		t.Errorf("after recovery: %v", sum)
	}
	cos := e.companies()
	for _, r := range rows {
		if len(cos[r[1]]) != 1 {
			t.Errorf("%s: %d companies", r[1], len(cos[r[1]]))
		}
	}
}

// TestFutureDatedCompany: a company whose updateDT is 2099 is exported by every incremental
// run with a warning naming it, and the state's newest update stays at the latest true date,
// so a later change of another company is exported. A state frozen at 2099 by an earlier
// version is dropped with a warning.
func TestFutureDatedCompany(t *testing.T) {
	fixtures := `{"companies": [
 {"uId": 1, "companyName": "正常公司", "createDT": "2021-03-01 10:00:00", "updateDT": "2021-06-01 12:00:00"},
 {"uId": 2, "companyName": "未来公司", "createDT": "2021-03-01 10:00:00", "updateDT": "2099-01-01 00:00:00"},
 {"uId": 3, "companyName": "另一家", "createDT": "2021-03-01 10:00:00", "updateDT": "2021-06-02 08:00:00"}
]}`
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(fixtures)), sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Now = func() time.Time { return time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC) }
	}))
	state := e.path("state.json")
	newest := func() string {
		var st struct {
			Newest string `json:"newest_update"`
		}
		b, _ := os.ReadFile(state)
		json.Unmarshal(b, &st)
		return st.Newest
	}
	run := func(name string) ([]string, string) {
		out := e.path(name)
		stderr := e.export("--out", out, "--state", state, "--log-format", "json")
		return newTable(t, readCSV(t, out, true)).ids, stderr
	}
	ids, stderr := run("r1.csv")
	if !slices.Equal(ids, []string{"1", "2", "3"}) {
		t.Fatalf("first run %v", ids)
	}
	if !strings.Contains(stderr, "company dated in the future") || !strings.Contains(stderr, `"uId":2`) || !strings.Contains(stderr, "未来公司") {
		t.Errorf("no warning naming company 2:\n%s", stderr)
	}
	if got := newest(); got != "2021-06-02 08:00:00" {
		t.Fatalf("state newest %q, want the latest true date", got)
	}
	ids, stderr = run("r2.csv")
	if !slices.Equal(ids, []string{"2"}) || !strings.Contains(stderr, `"updateDT":"2099-01-01 00:00:00"`) {
		t.Fatalf("second run %v, want the future-dated company again with its warning\n%s", ids, stderr)
	}
	client, err := bangwo8.NewClient(e.srv.URL, bangwo8.WithBasicAuth(e.srv.Account, e.srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.UpdateCompany(context.Background(), 1, bangwo8.CompanyInput{CompanyName: bangwo8.Ptr("正常公司改名")}); err != nil {
		t.Fatal(err)
	}
	if ids, _ = run("r3.csv"); !slices.Equal(ids, []string{"1", "2"}) {
		t.Fatalf("after an update of 1: %v, want 1 (changed) and 2 (future)", ids)
	}
	if got := newest(); got != "2024-05-01 17:00:00" {
		t.Errorf("state newest %q after the update (China time of the sandbox's clock)", got)
	}

	// A state an earlier version froze at 2099.
	os.WriteFile(state, []byte(`{"version": 1, "newest_update": "2099-01-01 00:00:00", "seen": {"2": "2099-01-01 00:00:00"}, "source": ""}`), 0o644)
	ids, stderr = run("r4.csv")
	if !slices.Equal(ids, []string{"1", "2", "3"}) || !strings.Contains(stderr, "the state's newest update lies in the future") {
		t.Fatalf("frozen state: %v\n%s", ids, stderr)
	}
	if got := newest(); got > "2025" {
		t.Errorf("state still frozen: %q", got)
	}
}

// replaceOn returns a sandbox option that calls replace once, when the n-th request of method
// arrives (before the sandbox answers it).
func replaceOn(method string, n int64, replace func()) sandboxtest.Option {
	var seen atomic.Int64
	return sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Middleware = append(c.Middleware, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == method && seen.Add(1) == n {
					replace()
				}
				next.ServeHTTP(w, r)
			})
		})
	})
}

// TestInputReplacedMidRun: the input replaced by another file while the companies are looked
// up stops the run before anything is written; changed while the rows are written, it stops
// at the first changed row, and every row written is a row as checked: no duplicate of the
// companies the new rows name.
func TestInputReplacedMidRun(t *testing.T) {
	var rows [][]string
	for i := 1; i <= 8; i++ {
		rows = append(rows, []string{fmt.Sprintf("新公司%d", i), fmt.Sprintf("new-%d", i), "", "", ""})
	}
	// Another file: rows naming companies that exist, which the lookup of the first file's
	// keys did not ask for.
	other := [][]string{{"新公司1", "acc-1", "", "", ""}, {"新公司2", "acc-2", "", "", ""}}
	t.Run("during the lookup", func(t *testing.T) {
		var e *importEnv
		var in string
		e = newImportEnv(t, sandboxtest.WithFixtures([]byte(importFixtures)), replaceOn(http.MethodGet, 1, func() {
			e.csvFile("replacement.csv", "utf8", other...)
			os.Rename(e.path("replacement.csv"), in) // as an office program saves
		}))
		in = e.csvFile("in.csv", "utf8", rows...)
		code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth)
		if code != exitFailed || !strings.Contains(stderr, "输入文件在运行中被保存或替换了") || !strings.Contains(stderr, "nothing was written") {
			t.Fatalf("exit %d, want 1 saying the file changed\n%s", code, stderr)
		}
		if n := e.posts.Load() + e.puts.Load(); n != 0 {
			t.Errorf("%d writes after the file changed", n)
		}
	})
	t.Run("during the writes", func(t *testing.T) {
		// Rows of 40 KB (a column the mapping ignores), so that the writing pass reads the
		// later rows from the file after the change, not from its read buffer.
		pad := strings.Repeat("备", 40<<10/3)
		padded := func(rows [][]string) []byte {
			var b bytes.Buffer
			w := csv.NewWriter(&b)
			w.Write(append(slices.Clone(importHeader), "备注"))
			for _, r := range rows {
				w.Write(append(slices.Clone(r), pad))
			}
			w.Flush()
			return b.Bytes()
		}
		changed := slices.Clone(rows[:4])
		changed = append(changed, []string{"新公司5", "acc-1", "", "", ""}, []string{"新公司6", "acc-2", "", "", ""},
			[]string{"新公司7", "other-7", "", "", ""}, []string{"新公司8", "other-8", "", "", ""})
		var e *importEnv
		e = newImportEnv(t, sandboxtest.WithFixtures([]byte(importFixtures)), replaceOn(http.MethodPost, 2, func() {
			e.write("in.csv", padded(changed)) // rewritten in place
		}))
		in := e.write("in.csv", padded(rows))
		journal := e.path("run.jsonl")
		code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth, "--concurrency", "1", "--journal", journal)
		if code != exitFailed || !strings.Contains(stderr, "row 6 of") || !strings.Contains(stderr, "输入文件在运行中被保存或替换了") {
			t.Fatalf("exit %d, want 1 naming row 6\n%s", code, stderr)
		}
		cos := e.companies()
		for _, acc := range []string{"acc-1", "acc-2"} {
			if n := len(cos[acc]); n != 1 || cos[acc][0].CompanyName == "新公司5" || cos[acc][0].CompanyName == "新公司6" {
				t.Errorf("%s: %+v, want the company untouched", acc, cos[acc])
			}
		}
		for i, r := range rows {
			if n, want := len(cos[r[1]]), min(1, max(0, 4-i)); n != want {
				t.Errorf("%s: %d companies, want %d", r[1], n, want)
			}
		}
		// Run again as told: the file as it is now is imported, the rows done recognised.
		code, _, stderr = e.run(context.Background(), "import", "--in", in, "--mapping", e.mappingPth, "--journal", journal, "--log-format", "json")
		if code != exitOK {
			t.Fatalf("again: exit %d\n%s", code, stderr)
		}
		if sum := summaryLine(t, stderr, "import done"); sum["skipped"] != 4.0 || sum["updated"] != 2.0 || sum["created"] != 2.0 {
			t.Errorf("second run: %v", sum)
		}
		cos = e.companies()
		if len(cos["acc-1"]) != 1 || cos["acc-1"][0].CompanyName != "新公司5" || len(cos["other-8"]) != 1 {
			t.Errorf("after the second run: acc-1 %+v, other-8 %+v", cos["acc-1"], cos["other-8"])
		}
	})
}

// twinsMapping has no match key: every row is a create, and rows may repeat.
const twinsMapping = `version: 1
duplicates: allow
columns:
  - header: 公司名称
    field: companyName
    required: true
  - header: 服务开始时间
    field: servicestarttime
    type: date
  - header: 服务费余额
    field: serviceCharge
    type: decimal
`

// TestTwinsUnderFaults imports, without a match key, a sheet whose rows repeat (twins, the
// mapping allowing them) while the sandbox loses answers after committing, fails and resets;
// the command runs again with its journal until it exits 0. Every row is one company: no
// company is claimed by two rows, none lost, and the journal names each company once.
// Without duplicates: allow, the twins are invalid at validation.
func TestTwinsUnderFaults(t *testing.T) {
	rows, kinds := 90, 30
	if *chaosLong {
		rows, kinds = 1200, 300
	}
	fi := sandbox.NewFaultInjector(mustFaults(t, "error500=0.1,ratelimit429=0.05,lost-response=0.15,reset=0.03", 21))
	var on atomic.Bool
	on.Store(true)
	e := newImportEnv(t, switchableFaults(fi, &on))
	mappingPath := e.write("twins.yaml", []byte(twinsMapping))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"公司名称", "服务开始时间", "服务费余额"})
	want := map[string]int{}
	for i := range rows {
		k := i % kinds // rows k, k+kinds, k+2*kinds... are twins
		row := []string{fmt.Sprintf("双胞胎公司%03d", k), fmt.Sprintf("2021-01-%02d", k%28+1), fmt.Sprintf("%d.00", k)}
		w.Write(row)
		want[strings.Join(row, "|")]++
	}
	w.Flush()
	in := e.write("twins.csv", b.Bytes())
	journal := e.path("twins.jsonl")
	for pass := 1; ; pass++ {
		report := e.path(fmt.Sprintf("report%d.csv", pass))
		code, _, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", mappingPath, "--journal", journal,
			"--report", report, "--concurrency", "8", "--rps", "500", "--burst", "20", "--retries", "2", "--log-format", "json")
		actions := reportActions(t, report, rows)
		t.Logf("pass %d: exit %d, report %v", pass, code, actions)
		if code == exitOK {
			break
		}
		if code != exitPartial || pass == 6 {
			t.Fatalf("pass %d: exit %d\n%s", pass, code, stderr)
		}
	}
	on.Store(false)
	got := map[string]int{}
	uids := map[int64]bool{}
	for co, err := range e.client.AllCompanies(context.Background(), bangwo8.ListOptions{IncludeDeleted: true, PerPage: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		got[strings.Join([]string{co.CompanyName, co.ServiceStartTime, co.ServiceCharge}, "|")]++
		uids[co.UID] = true
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d companies, want %d (one per row)", k, got[k], n)
		}
	}
	if len(uids) != rows {
		t.Errorf("%d companies, want %d", len(uids), rows)
	}
	// The journal accounts for every company, once.
	data, _ := os.ReadFile(journal)
	byUID := map[int64]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		var entry struct {
			Action string `json:"action"`
			UID    int64  `json:"uId"`
		}
		json.Unmarshal([]byte(line), &entry)
		if entry.Action == "created" {
			byUID[entry.UID]++
		}
	}
	for uid := range uids {
		if byUID[uid] != 1 {
			t.Errorf("company %d: %d created entries in the journal, want 1", uid, byUID[uid])
		}
	}
	t.Logf("twins under faults: rows=%d faults{%v}", rows, fi.Counts())
	if fi.Counts().LostResponse == 0 {
		t.Error("no answer was lost")
	}

	// Without duplicates: allow, the twins are invalid at validation.
	strict := e.write("strict.yaml", []byte(strings.Replace(twinsMapping, "duplicates: allow\n", "", 1)))
	code, stdout, stderr := e.run(context.Background(), "validate", "--in", in, "--mapping", strict)
	if code != exitPartial || !strings.Contains(stdout+stderr, "与第 2 行完全相同") || !strings.Contains(stdout+stderr, "duplicates: allow") {
		t.Errorf("validate without duplicates: allow: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/samples"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// cellAt finds the grid row and column holding text.
func cellAt(t *testing.T, g gridPage, text string) (gridRow, int) {
	t.Helper()
	for _, r := range g.Rows {
		if i := slices.Index(r.Cells, text); i >= 0 {
			return r, i
		}
	}
	t.Fatalf("no cell %q in the grid", text)
	return gridRow{}, 0
}

// follow reads a run's events until it finishes and returns the last state.
func (c *console) follow(hc *http.Client, id string) RunState {
	c.t.Helper()
	res, err := hc.Get(c.srv.URL + "/api/runs/" + id + "/events")
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		c.t.Fatalf("events: %s", ct)
	}
	var st RunState
	events := 0
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		events++
		if err := json.Unmarshal([]byte(data), &st); err != nil {
			c.t.Fatal(err)
		}
	}
	if !st.Finished || events == 0 {
		c.t.Fatalf("the events ended before the run: %+v", st)
	}
	return st
}

func TestImportBrokenSampleFixPlanRunUndo(t *testing.T) {
	c := newConsole(t)
	hc := c.browser()
	var g gridPage
	if got := c.upload(hc, "broken.xlsx", sample(t, samples.Broken), samples.Mapping, &g); got != http.StatusOK {
		t.Fatalf("upload: %d", got)
	}
	if g.Total != 12 || g.Bad != 10 {
		t.Fatalf("grid: %d rows, %d bad; want 12, 10 (the sample's rows each break a rule but the first two)", g.Total, g.Bad)
	}
	for i, r := range g.Rows {
		if bad := len(r.Bad) > 0 || r.Note != ""; bad != (i < g.Bad) {
			t.Errorf("grid row %d (sheet row %d): bad %v; the rows with problems come first", i, r.Row, bad)
		}
	}
	row, col := cellAt(t, g, "2023-02-30")
	if !strings.Contains(row.Bad[col], "2023-02-30") && row.Bad[col] == "" {
		t.Fatalf("the impossible date is not red: %+v", row)
	}
	t.Logf("the red cell says: %s", row.Bad[col])

	// A fix that is still wrong stays red; a right one clears the row.
	if got := c.postJSON(hc, "/api/imports/"+g.ID+"/fix", fixRequest{Row: row.Row, Col: col, Value: "2023-13-01"}, &g); got != http.StatusOK {
		t.Fatalf("fix: %d", got)
	}
	if still, _ := cellAt(t, g, "2023-13-01"); still.Bad[col] == "" || g.Bad != 10 {
		t.Fatalf("a wrong fix was taken: %+v, %d bad", still, g.Bad)
	}
	if got := c.postJSON(hc, "/api/imports/"+g.ID+"/fix", fixRequest{Row: row.Row, Col: col, Value: "2023-02-28"}, &g); got != http.StatusOK {
		t.Fatalf("fix: %d", got)
	}
	if fixed, _ := cellAt(t, g, "2023-02-28"); len(fixed.Bad) != 0 || g.Bad != 9 || g.Fixes != 2 {
		t.Fatalf("after the fix: %+v, %d bad, %d fixes", fixed, g.Bad, g.Fixes)
	}
	if got := c.postJSON(hc, "/api/imports/"+g.ID+"/fix", fixRequest{Row: 1, Col: 0, Value: "x"}, &gridPage{}); got != http.StatusBadRequest {
		t.Errorf("a fix of the header row: %d; want 400", got)
	}

	// The plan writes nothing while rows are invalid, unless they are skipped.
	var plan planAnswer
	if got := c.postJSON(hc, "/api/imports/"+g.ID+"/plan", importRequest{SkipInvalid: true}, &plan); got != http.StatusOK {
		t.Fatalf("plan: %d", got)
	}
	if s := plan.Summary; s.Created != 3 || s.Invalid != 9 || !s.DryRun {
		t.Fatalf("plan %+v; want 3 to create (the two good rows and the fixed one), 9 invalid", s)
	}
	if !strings.Contains(plan.Line, "新建 3") || len(plan.Rows) != 3 || len(plan.Problems) != 10 ||
		!strings.Contains(plan.Rows[2], "服务开始时间：2023-02-28") || strings.Contains(strings.Join(plan.Problems, ""), c.web.cfg.Dir) {
		t.Fatalf("plan line %q, rows %q, problems %q", plan.Line, plan.Rows, plan.Problems)
	}
	if n := countCompanies(t, c.client); n != 0 {
		t.Fatalf("the plan wrote %d companies", n)
	}

	var started map[string]string
	if got := c.postJSON(hc, "/api/imports/"+g.ID+"/run", importRequest{SkipInvalid: true}, &started); got != http.StatusAccepted {
		t.Fatalf("run: %d", got)
	}
	st := c.follow(hc, started["id"])
	if st.Error != "" || !st.Undoable || !slices.Contains(st.Files, "report") || !slices.Contains(st.Files, "journal") {
		t.Fatalf("run: %+v", st)
	}
	if n := countCompanies(t, c.client); n != 3 {
		t.Fatalf("%d companies after the run; want 3", n)
	}
	res, err := hc.Get(c.srv.URL + "/api/runs/" + started["id"] + "/files/report")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "report.xlsx") {
		t.Fatalf("report download: %s %v", res.Status, res.Header)
	}

	var undone map[string]string
	if got := c.postJSON(hc, "/api/runs/"+started["id"]+"/undo", nil, &undone); got != http.StatusAccepted {
		t.Fatalf("undo: %d", got)
	}
	if st := c.follow(hc, undone["id"]); st.Error != "" || !slices.Contains(st.Files, "undo-report") {
		t.Fatalf("undo: %+v", st)
	}
	if n := countCompanies(t, c.client); n != 0 {
		t.Fatalf("%d companies left after undo; want 0 (the created ones deleted)", n)
	}
	if got := c.postJSON(hc, "/api/runs/"+started["id"]+"/undo", nil, nil); got != http.StatusConflict {
		t.Errorf("a second undo: %d; want 409", got)
	}
}

// countCompanies counts the companies the list shows (soft-deleted ones are not listed).
func countCompanies(t *testing.T, client *bangwo8.Client) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := 0
	for c, err := range client.AllCompanies(ctx, bangwo8.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Deleted() {
			continue
		}
		n++
	}
	return n
}

func TestOneImportOfAnUploadAtATimeAndFixesOnlyItsRows(t *testing.T) {
	gate := make(chan struct{})
	hold := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				select {
				case <-gate:
				case <-r.Context().Done():
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
	c := newConsoleOn(t, sandboxtest.NewServer(t, sandboxtest.WithConfig(func(cfg *sandbox.Config) {
		cfg.Middleware = append(cfg.Middleware, hold)
	})))
	var release sync.Once
	t.Cleanup(func() { release.Do(func() { close(gate) }) }) // runs before the sandbox's: a failed test lets the held calls go
	hc := c.browser()
	var g gridPage
	if got := c.upload(hc, "companies.csv", sample(t, samples.CompaniesCSV), samples.Mapping, &g); got != http.StatusOK || g.Bad != 0 {
		t.Fatalf("upload: %d, %+v", got, g.Bad)
	}
	for _, row := range []int{0, 9999} {
		if got := c.postJSON(hc, "/api/imports/"+g.ID+"/fix", fixRequest{Row: row, Col: 1, Value: "x"}, &gridPage{}); got != http.StatusBadRequest {
			t.Errorf("a fix of row %d, not in the sheet: %d; want 400", row, got)
		}
	}
	var first map[string]string
	if got := c.postJSON(hc, "/api/imports/"+g.ID+"/run", importRequest{}, &first); got != http.StatusAccepted {
		t.Fatalf("run: %d", got)
	}
	if got := c.postJSON(hc, "/api/imports/"+g.ID+"/run", importRequest{}, &map[string]string{}); got != http.StatusConflict {
		t.Errorf("a second run of the same upload while the first is in flight: %d; want 409", got)
	}
	release.Do(func() { close(gate) })
	if st := c.follow(hc, first["id"]); st.Error != "" || st.Stopped {
		t.Fatalf("run: %+v", st)
	}
	if n := countCompanies(t, c.client); n != 45 {
		t.Errorf("%d companies; want the 45 that are not deleted", n)
	}
	// Once it ended, the same file can run again: upsert finds what the first run created.
	var again map[string]string
	if got := c.postJSON(hc, "/api/imports/"+g.ID+"/run", importRequest{}, &again); got != http.StatusAccepted {
		t.Fatalf("run again: %d", got)
	}
	st := c.follow(hc, again["id"])
	if sum, _ := st.Summary.(map[string]any); sum["created"] != float64(0) {
		t.Errorf("the second run: %+v", st.Summary)
	}
}

func TestPlanAgainstAWrongPasswordSaysSo(t *testing.T) {
	sb := sandboxtest.NewServer(t)
	c := newConsoleOn(t, sb, func(cfg *Config) {
		client, err := bangwo8.NewClient(sb.URL, bangwo8.WithBasicAuth(sb.Account, "wrong"+sb.Password))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Client = client
	})
	hc := c.browser()
	var g gridPage
	if got := c.upload(hc, "companies.csv", sample(t, samples.CompaniesCSV), samples.Mapping, &g); got != http.StatusOK {
		t.Fatalf("upload: %d", got)
	}
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/api/imports/"+g.ID+"/plan", strings.NewReader("{}"))
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var answer map[string]string
	json.NewDecoder(res.Body).Decode(&answer)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.HasPrefix(answer["error"], "账号或密码错误") || strings.Contains(answer["error"], sb.Password) {
		t.Errorf("plan with a wrong password: %s %q", res.Status, answer["error"])
	}
}

package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/undo"
)

// Run kinds.
const (
	KindImport = "import"
	KindExport = "export"
	KindUndo   = "undo"
)

// Run is an import, export or undo started from the console. It lives in the server's
// context, not the request's: it goes on when the page is closed, and a page that comes back
// follows it again (GET /api/runs/{id}/events).
type Run struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	Title   string    `json:"title"`
	Started time.Time `json:"started"`

	cancel context.CancelFunc
	dir    string

	mu      sync.Mutex
	state   RunState
	changed chan struct{} // closed and replaced at each change: the event streams wait on it
}

// RunState is what the page shows of a run.
type RunState struct {
	Phase       string  `json:"phase"`
	Done        int64   `json:"done"`
	Total       int64   `json:"total"` // 0 while unknown
	Seconds     float64 `json:"seconds"`
	Rate        float64 `json:"rate"`         // rows (or companies) per second so far
	RateLimited int64   `json:"rate_limited"` // 429s seen by the pacer since the run began
	Left        float64 `json:"left"`         // seconds left at the rate so far; 0 when unknown
	Finished    bool    `json:"finished"`
	Stopped     bool    `json:"stopped"`
	Error       string  `json:"error,omitempty"`
	Summary     any     `json:"summary,omitempty"`
	Result      string  `json:"result,omitempty"` // the run's last line, in the person's language
	// Files are the run's files by name (report, journal, out, undo-report), to download.
	Files    []string `json:"files"`
	Undoable bool     `json:"undoable"`
	UndoneBy string   `json:"undone_by,omitempty"`

	paths map[string]string
}

func (run *Run) update(edit func(*RunState)) {
	run.mu.Lock()
	edit(&run.state)
	close(run.changed)
	run.changed = make(chan struct{})
	run.mu.Unlock()
}

func (run *Run) snapshot() (RunState, <-chan struct{}) {
	run.mu.Lock()
	defer run.mu.Unlock()
	s := run.state
	s.Files = slices.Clone(s.Files)
	return s, run.changed
}

func (run *Run) addFile(name, path string) {
	run.update(func(st *RunState) {
		if _, ok := st.paths[name]; !ok {
			st.Files = append(st.Files, name)
		}
		paths := maps.Clone(st.paths) // snapshots share the old map: it is never written again
		if paths == nil {
			paths = map[string]string{}
		}
		paths[name] = path
		st.paths = paths
	})
}

// start runs work in the server's context as a new Run of kind.
func (s *Server) start(kind, title string, work func(ctx context.Context, run *Run) error) (*Run, error) {
	id := s.nextID("r")
	dir := filepath.Join(s.cfg.Dir, "runs", id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	ctx, cancel := context.WithCancel(s.ctx)
	run := &Run{ID: id, Kind: kind, Title: title, Started: time.Now(), cancel: cancel, dir: dir, changed: make(chan struct{})}
	var limited0 int64 // the pacer's 429s before the run
	if s.cfg.Pacer != nil {
		limited0 = s.cfg.Pacer.Stats().RateLimited
	}
	s.mu.Lock()
	if s.ctx.Err() != nil { // Close has begun: it waits only for the runs it saw
		s.mu.Unlock()
		cancel()
		return nil, errors.New("the console is stopping")
	}
	s.runs = append(s.runs, run)
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer cancel()
		err := work(ctx, run)
		run.update(func(st *RunState) {
			st.Finished = true
			st.Seconds = time.Since(run.Started).Seconds()
			if s.cfg.Pacer != nil {
				st.RateLimited = s.cfg.Pacer.Stats().RateLimited - limited0
			}
			if err != nil {
				st.Error = errorText(err, s.cfg.Lang)
				if errors.Is(err, context.Canceled) {
					st.Stopped = true
				}
			}
		})
		if err != nil {
			s.log.Warn("console run", "id", run.ID, "kind", kind, "err", err)
		}
	}()
	return run, nil
}

// progress returns the callback a run's engine reports to.
func (s *Server) progress(run *Run) func(tally.Progress) {
	var limited0 int64
	if s.cfg.Pacer != nil {
		limited0 = s.cfg.Pacer.Stats().RateLimited
	}
	var last time.Time
	var mu sync.Mutex
	return func(p tally.Progress) {
		mu.Lock()
		now := time.Now()
		quiet := now.Sub(last) < 50*time.Millisecond && (p.Total == 0 || p.Done < p.Total)
		if !quiet {
			last = now
		}
		mu.Unlock()
		if quiet {
			return // per row is more than a page can show
		}
		limited := int64(0)
		if s.cfg.Pacer != nil {
			limited = s.cfg.Pacer.Stats().RateLimited - limited0
		}
		run.update(func(st *RunState) {
			st.Phase, st.Done, st.Total, st.Seconds = p.Phase, p.Done, p.Total, p.Elapsed.Seconds()
			st.RateLimited = limited
			st.Rate, st.Left = 0, 0
			if secs := p.Elapsed.Seconds(); secs > 0 && p.Done > 0 {
				st.Rate = float64(p.Done) / secs
				if p.Total > p.Done {
					st.Left = math.Round(float64(p.Total-p.Done) / st.Rate)
				}
			}
		})
	}
}

func (s *Server) runOf(w http.ResponseWriter, r *http.Request) (*Run, bool) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, run := range s.runs {
		if run.ID == id {
			return run, true
		}
	}
	fail(w, http.StatusNotFound, s.langOf(r).Pick("找不到这次运行（控制台重启过？）", "no such run (was the console restarted?)"))
	return nil, false
}

// runView is a run as the page lists it.
type runView struct {
	*Run
	State RunState `json:"state"`
}

func (s *Server) handleRuns(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	runs := slices.Clone(s.runs)
	s.mu.Unlock()
	out := make([]runView, 0, len(runs))
	for i := len(runs) - 1; i >= 0; i-- { // newest first
		st, _ := runs[i].snapshot()
		out = append(out, runView{runs[i], st})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	run, ok := s.runOf(w, r)
	if !ok {
		return
	}
	st, _ := run.snapshot()
	writeJSON(w, http.StatusOK, runView{run, st})
}

// handleEvents streams a run's state as server-sent events until it finishes or the page
// goes: at each change, at most every 200ms, and once a second for the clock.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	run, ok := s.runOf(w, r)
	if !ok {
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		fail(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		st, changed := run.snapshot()
		if !st.Finished {
			st.Seconds = time.Since(run.Started).Seconds()
		}
		data, err := json.Marshal(st)
		if err != nil {
			s.log.Error("console run events", "id", run.ID, "err", err)
			return
		}
		if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
			return
		}
		flusher.Flush()
		if st.Finished {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-tick.C:
		}
		select { // at most five a second
		case <-r.Context().Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (s *Server) handleStop(w http.ResponseWriter, r *http.Request) {
	run, ok := s.runOf(w, r)
	if !ok {
		return
	}
	run.cancel()
	writeJSON(w, http.StatusAccepted, map[string]string{"id": run.ID})
}

// handleFile downloads one of a run's files.
func (s *Server) handleFile(w http.ResponseWriter, r *http.Request) {
	run, ok := s.runOf(w, r)
	if !ok {
		return
	}
	st, _ := run.snapshot()
	path, ok := st.paths[r.PathValue("name")]
	if !ok || !st.Finished {
		fail(w, http.StatusNotFound, "no such file")
		return
	}
	if _, err := os.Stat(path); err != nil {
		fail(w, http.StatusNotFound, "no such file")
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filepath.Base(path)))
	http.ServeFile(w, r, path)
}

// handleImportRun starts the import of an upload: the run of the plan the page showed, with
// a journal (for undo) and a workbook report.
func (s *Server) handleImportRun(w http.ResponseWriter, r *http.Request) {
	u, opts, l, ok := s.importRequestOf(w, r)
	if !ok {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.running != "" {
		fail(w, http.StatusConflict, l.Pick("这个文件正在导入，请等它结束", "this file is being imported: wait for that run to end"))
		return
	}
	input := u.work
	title := fmt.Sprintf("%s (%s)", u.name, u.mf.Name)
	run, err := s.start(KindImport, title, func(ctx context.Context, run *Run) error {
		defer func() {
			u.mu.Lock()
			u.running = ""
			u.mu.Unlock()
		}()
		opts.Report = filepath.Join(run.dir, "report.xlsx")
		opts.Journal = filepath.Join(run.dir, "journal.jsonl")
		opts.Progress = s.progress(run)
		sum, err := importer.Import(ctx, s.cfg.Client, input, u.mf.m, opts)
		if sum != nil && sum.Report != "" {
			run.addFile("report", sum.Report)
		}
		if _, statErr := os.Stat(opts.Journal); statErr == nil {
			run.addFile("journal", opts.Journal)
		}
		run.update(func(st *RunState) {
			if sum != nil {
				st.Stopped = sum.Interrupted
				st.Summary = sum
				st.Result = importResult(l, sum)
				st.Undoable = sum.Created+sum.Updated > 0 && st.paths["journal"] != ""
			}
		})
		return err
	})
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	u.running = run.ID
	writeJSON(w, http.StatusAccepted, map[string]string{"id": run.ID})
}

// errorText says an error of a run or a plan, naming first in the person's language what they
// must do when it is theirs to fix (the account, the server).
func errorText(err error, l lang.Lang) string {
	var host *bangwo8.HostNotFoundError
	switch {
	case bangwo8.IsUnauthorized(err), bangwo8.IsForbidden(err):
		return l.Pick("账号或密码错误（BANGWO8_ACCOUNT、BANGWO8_PASSWORD）：", "wrong account or password (BANGWO8_ACCOUNT, BANGWO8_PASSWORD): ") + err.Error()
	case errors.As(err, &host):
		return fmt.Sprintf(l.Pick("找不到服务器 %s：请检查 --base-url：", "host %s not found: check --base-url: "), host.Host) + err.Error()
	}
	return err.Error()
}

func importResult(l lang.Lang, sum *importer.Summary) string {
	return fmt.Sprintf(l.Pick("新建 %d，更新 %d，无变化 %d，有错误 %d，失败 %d，未写入 %d",
		"created %d, updated %d, unchanged %d, invalid %d, failed %d, skipped %d"),
		sum.Created, sum.Updated, sum.Unchanged, sum.Invalid, sum.Failed, sum.Skipped)
}

// handleUndo undoes an import run from its journal, as `bangwo8-etl undo --yes` does: the
// fields it changed come back unless changed since, the companies it created are
// soft-deleted. The page asked the person first.
func (s *Server) handleUndo(w http.ResponseWriter, r *http.Request) {
	orig, ok := s.runOf(w, r)
	if !ok {
		return
	}
	st, _ := orig.snapshot()
	l := s.langOf(r)
	if !st.Finished || !st.Undoable || st.UndoneBy != "" {
		fail(w, http.StatusConflict, l.Pick("这次运行不能撤销（没有写入、没结束或已撤销）", "this run cannot be undone (nothing written, not finished, or undone already)"))
		return
	}
	journal := st.paths["journal"]
	run, err := s.start(KindUndo, orig.Title, func(ctx context.Context, run *Run) error {
		j, err := importer.ReadJournal(journal)
		if err != nil {
			return err
		}
		opts := undo.Options{Concurrency: s.cfg.Concurrency, Progress: s.progress(run)}
		plan, err := undo.Prepare(ctx, s.cfg.Client, j, opts)
		if err != nil {
			return err
		}
		applyErr := plan.Apply(ctx, s.cfg.Client, opts)
		report := filepath.Join(run.dir, "undo-report.csv")
		if err := plan.WriteReport(report, l); err != nil {
			return errors.Join(applyErr, err)
		}
		run.addFile("undo-report", report)
		run.update(func(st *RunState) { st.Result = plan.Totals(l) })
		return applyErr
	})
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	orig.update(func(st *RunState) { st.UndoneBy = run.ID })
	writeJSON(w, http.StatusAccepted, map[string]string{"id": run.ID})
}

package main

import (
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/bangwo8-etl/bangwo8-etl/importer"
)

// importLogEvery spaces the progress log lines of validate and import when stderr is not a
// terminal.
const importLogEvery = 5 * time.Second

// importProgress shows how a validation or an import goes: a bar per phase on a terminal
// (rows validated, rows written, rate), a log line every few seconds otherwise. The importer
// calls update from its reader and its writers, hence the mutex.
type importProgress struct {
	mu      sync.Mutex
	w       io.Writer
	bar     *progressbar.ProgressBar
	log     *slog.Logger
	lastLog time.Time
	phase   string
}

func newImportProgress(a *app, log *slog.Logger) *importProgress {
	p := &importProgress{log: log, lastLog: time.Now()}
	if a.showProgress() {
		p.w = a.streams.Err
	}
	return p
}

func newImportBar(w io.Writer, desc string, total int) *progressbar.ProgressBar {
	if total <= 0 {
		total = -1 // a spinner: the total is not known yet
	}
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

var phaseLabels = map[string]string{
	importer.PhaseValidate: "validating",
	importer.PhaseLookup:   "finding companies",
	importer.PhaseWrite:    "writing",
}

func (p *importProgress) update(pr importer.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	changed := pr.Phase != p.phase
	p.phase = pr.Phase
	if p.w != nil {
		if changed {
			if p.bar != nil {
				_ = p.bar.Finish()
			}
			p.bar = newImportBar(p.w, phaseLabels[pr.Phase], pr.Total)
		}
		_ = p.bar.Set(pr.Done)
		return
	}
	if changed || time.Since(p.lastLog) >= importLogEvery {
		p.lastLog = time.Now()
		p.log.Info("progress", "phase", pr.Phase, "rows", pr.Done, "of", pr.Total)
	}
}

// done removes the bar before the summary is written.
func (p *importProgress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

package main

import (
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/bangwo8-etl/bangwo8-etl/exporter"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
)

// progressLogEvery spaces the progress log lines written when stderr is not a terminal.
const progressLogEvery = 5 * time.Second

// progress shows how a long command goes: a bar per phase on a terminal (count, rate), a log
// line every few seconds otherwise (scheduled jobs read logs, not bars). Updates may come from
// several goroutines, hence the mutex.
type progress struct {
	mu      sync.Mutex
	w       io.Writer // the terminal, when bars are drawn
	bar     *progressbar.ProgressBar
	log     *slog.Logger
	logMsg  string            // the log line's message, e.g. "export progress"
	unit    string            // what is counted, e.g. "rows"
	labels  map[string]string // phase -> the bar's description
	lastLog time.Time
	phase   string
}

func newProgress(a *app, log *slog.Logger, logMsg, unit string, labels map[string]string) *progress {
	p := &progress{log: log, logMsg: logMsg, unit: unit, labels: labels, lastLog: time.Now()}
	if a.showProgress() {
		p.w = a.streams.Err
	}
	return p
}

// newExportProgress reports an export: companies fetched, then written out of the spool.
func newExportProgress(a *app, log *slog.Logger) (*progress, func(exporter.Progress)) {
	p := newProgress(a, log, "export progress", "companies", map[string]string{"fetch": "fetching", "write": "writing"})
	return p, func(pr exporter.Progress) { p.update(pr, "pages", pr.Pages) }
}

// newImportProgress reports a validation or an import, phase by phase.
func newImportProgress(a *app, log *slog.Logger) (*progress, func(importer.Progress)) {
	p := newProgress(a, log, "progress", "rows", map[string]string{
		importer.PhaseValidate: "validating",
		importer.PhaseLookup:   "finding companies",
		importer.PhaseWrite:    "writing",
	})
	return p, func(pr importer.Progress) { p.update(pr) }
}

// update records that pr.Done of pr.Total (0 or less: not known yet) are through pr.Phase;
// attrs are extra key/value pairs for the log line.
func (p *progress) update(pr tally.Progress, attrs ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	phase, done, total := pr.Phase, pr.Done, pr.Total
	changed := phase != p.phase
	p.phase = phase
	if p.w != nil {
		if changed || p.bar == nil {
			if p.bar != nil {
				_ = p.bar.Finish()
			}
			p.bar = p.newBar(phase, total)
		}
		_ = p.bar.Set64(done)
		return
	}
	if changed || time.Since(p.lastLog) >= progressLogEvery {
		p.lastLog = time.Now()
		line := []any{"phase", phase, p.unit, done}
		if total > 0 {
			line = append(line, "of", total)
		} else {
			line = append(line, "total_known", false) // not of=0: nobody has said how many yet
		}
		p.log.Info(p.logMsg, append(line, attrs...)...)
	}
}

func (p *progress) newBar(phase string, total int64) *progressbar.ProgressBar {
	if total <= 0 {
		total = -1 // a spinner: the total is not known yet
	}
	desc := p.labels[phase]
	if desc == "" {
		desc = phase
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(p.unit),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// done removes the bar before the summary is written.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

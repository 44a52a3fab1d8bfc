package main

import (
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/bangwo8-etl/bangwo8-etl/exporter"
)

// progressLogEvery spaces the progress log lines written when stderr is not a terminal.
const progressLogEvery = 5 * time.Second

// exportProgress shows how an export goes: a bar on a terminal (companies, pages, rate), a
// log line every few seconds otherwise. Updates come from one goroutine; the mutex only
// keeps done safe to call from another.
type exportProgress struct {
	mu      sync.Mutex
	w       io.Writer // the terminal, when a bar is drawn
	bar     *progressbar.ProgressBar
	log     *slog.Logger
	lastLog time.Time
	phase   string
}

func newExportProgress(a *app, log *slog.Logger) *exportProgress {
	p := &exportProgress{log: log, lastLog: time.Now()}
	if a.showProgress() {
		p.w = a.streams.Err
		p.bar = newBar(p.w, "fetching", -1)
	}
	return p
}

func newBar(w io.Writer, desc string, total int) *progressbar.ProgressBar {
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("companies"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *exportProgress) update(pr exporter.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	changed := pr.Phase != p.phase
	p.phase = pr.Phase
	if p.bar != nil {
		if changed && pr.Phase == "write" {
			_ = p.bar.Finish()
			p.bar = newBar(p.w, "writing", pr.Total)
		}
		if pr.Phase == "fetch" {
			p.bar.Describe("fetching, page " + strconv.Itoa(pr.Pages))
		}
		_ = p.bar.Set(pr.Companies)
		return
	}
	if time.Since(p.lastLog) >= progressLogEvery {
		p.lastLog = time.Now()
		p.log.Info("export progress", "phase", pr.Phase, "companies", pr.Companies, "of", pr.Total, "pages", pr.Pages)
	}
}

// done removes the bar before the summary is written.
func (p *exportProgress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}

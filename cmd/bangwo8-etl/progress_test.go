package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/exporter"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
)

func TestProgressBarOnTerminalLogLinesOtherwise(t *testing.T) {
	for _, tc := range []struct {
		name       string
		terminal   bool
		noProgress bool
		wantBar    bool
		wantLog    bool
	}{
		{"terminal", true, false, true, false},
		{"terminal with --no-progress", true, true, false, true},
		{"pipe", false, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errOut, logOut bytes.Buffer
			a := &app{streams: &IOStreams{Err: &errOut, ErrIsTerminal: tc.terminal}, noProgress: tc.noProgress}
			log := slog.New(slog.NewTextHandler(&logOut, nil))
			p, update := newImportProgress(a, log)
			update(importer.Progress{Phase: importer.PhaseValidate, Done: 10, Total: 100})
			update(importer.Progress{Phase: importer.PhaseWrite, Done: 5, Total: 50})
			p.done()
			if got := strings.Contains(errOut.String(), "writing"); got != tc.wantBar {
				t.Errorf("bar drawn = %v, want %v:\n%q", got, tc.wantBar, errOut.String())
			}
			// A phase change is always logged when no bar is drawn.
			if got := strings.Contains(logOut.String(), "phase=write rows=5 of=50"); got != tc.wantLog {
				t.Errorf("log line = %v, want %v:\n%s", got, tc.wantLog, logOut.String())
			}
		})
	}
}

func TestProgressLineWithoutATotalSaysSo(t *testing.T) {
	var logOut bytes.Buffer
	a := &app{streams: &IOStreams{Err: &bytes.Buffer{}}}
	p, update := newExportProgress(a, slog.New(slog.NewTextHandler(&logOut, nil)))
	update(exporter.Progress{Phase: "fetch", Done: 500, Pages: 1})
	update(exporter.Progress{Phase: "write", Done: 1000, Total: 1200, Pages: 3})
	p.done()
	lines := strings.Split(strings.TrimSpace(logOut.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "phase=fetch companies=500 total_known=false pages=1") ||
		strings.Contains(lines[0], "of=") || !strings.Contains(lines[1], "phase=write companies=1000 of=1200 pages=3") {
		t.Errorf("progress lines:\n%s", logOut.String())
	}
}

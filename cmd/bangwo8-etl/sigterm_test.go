//go:build unix

package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// termInPhase starts cmd, sends it SIGTERM when its log says it is in phase, and returns how
// long it took to end after the signal, its exit code and its log. A run that does not end
// within 10 s is killed and fails the test.
func termInPhase(t *testing.T, cmd *exec.Cmd, phase string) (time.Duration, int, string) {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	lines := bufio.NewScanner(io.TeeReader(stderr, &log))
	var sent time.Time
	for lines.Scan() {
		if strings.Contains(lines.Text(), "phase="+phase+" ") {
			sent = time.Now()
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if sent.IsZero() {
		cmd.Wait()
		t.Fatalf("the run ended without entering phase %s:\n%s", phase, log.String())
	}
	io.Copy(io.Discard, io.TeeReader(stderr, &log))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 10s after SIGTERM in phase %s:\n%s", phase, log.String())
	}
	return time.Since(sent), cmd.ProcessState.ExitCode(), log.String()
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestImportSIGTERMInEveryPhase stops an import of 20,000 rows with SIGTERM while it
// validates, looks companies up and writes, against a service answering each call after
// 200ms: it ends within seconds, with no temporary file left and no report but a whole one.
func TestImportSIGTERMInEveryPhase(t *testing.T) {
	e := newImportEnv(t, sandboxtest.WithConfig(func(c *sandbox.Config) { c.Latency = 200 * time.Millisecond }))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(importHeader)
	for i := range 20000 {
		w.Write([]string{fmt.Sprintf("信号公司%05d", i), fmt.Sprintf("term-%05d", i), "2020-01-01", "1.00", ""})
	}
	w.Flush()
	in := e.write("in.csv", b.Bytes())
	env := []string{"BANGWO8_BASE_URL=" + e.srv.URL, "BANGWO8_ACCOUNT=" + e.srv.Account, "BANGWO8_PASSWORD=" + e.srv.Password}
	for _, phase := range []string{"validate", "lookup", "write"} {
		t.Run(phase, func(t *testing.T) {
			report := e.path(phase + "-report.xlsx")
			cmd := cliProcess(t, env, "import", "--in", in, "--mapping", e.mappingPth, "--mode", "upsert", "--report", report,
				"--journal", e.path(phase+".jsonl"), "--rps", "1000", "--burst", "100", "--no-progress")
			took, code, log := termInPhase(t, cmd, phase)
			if took > 5*time.Second || code == exitOK {
				t.Errorf("ended %v after SIGTERM with exit %d, want within seconds and not 0:\n%s", took, code, log)
			}
			if next := map[string]string{"validate": "lookup", "lookup": "write"}[phase]; next != "" && strings.Contains(log, "phase="+next+" ") {
				t.Errorf("went on to phase %s after SIGTERM in %s:\n%s", next, phase, log)
			}
			for _, name := range dirNames(t, e.dir) {
				if strings.HasPrefix(name, ".") {
					t.Errorf("left %s", name)
				}
			}
			if _, err := os.Stat(report); err == nil {
				f, err := excelize.OpenFile(report)
				if err != nil {
					t.Fatalf("the report is not a whole workbook: %v", err)
				}
				f.Close()
			}
		})
	}
}

// TestExportSIGTERMInEveryPhase stops an export of 20,000 companies with SIGTERM while it
// fetches pages (each answered after 20ms) and while it writes them out of the spool: it ends
// within seconds, and neither the file nor a temporary file nor the spool is left.
func TestExportSIGTERMInEveryPhase(t *testing.T) {
	for _, phase := range []string{"fetch", "write"} {
		t.Run(phase, func(t *testing.T) {
			latency := time.Duration(0)
			if phase == "fetch" {
				latency = 20 * time.Millisecond
			}
			e := newExportEnv(t, sandboxtest.WithSeed(20000, 14), sandboxtest.WithConfig(func(c *sandbox.Config) { c.Latency = latency }))
			out := e.path("companies.xlsx")
			cmd := cliProcess(t, []string{"BANGWO8_BASE_URL=" + e.srv.URL, "BANGWO8_ACCOUNT=" + e.srv.Account, "BANGWO8_PASSWORD=" + e.srv.Password},
				"export", "--out", out, "--per-page", "500", "--rps", "1000", "--burst", "100", "--no-progress")
			took, code, log := termInPhase(t, cmd, phase)
			if took > 5*time.Second || code == exitOK {
				t.Errorf("ended %v after SIGTERM with exit %d, want within seconds and not 0:\n%s", took, code, log)
			}
			if phase == "fetch" && strings.Contains(log, "phase=write ") {
				t.Errorf("went on to write after SIGTERM while fetching:\n%s", log)
			}
			if names := dirNames(t, e.dir); len(names) > 0 {
				t.Errorf("left %v", names)
			}
		})
	}
}

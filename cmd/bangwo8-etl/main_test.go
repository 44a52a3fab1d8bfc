package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
)

// asCommandEnv, in a child process's environment, makes this test binary run its command
// line as bangwo8-etl would instead of the tests: with quickSettings when it is "quick", with
// production's when it is "production".
const asCommandEnv = "BANGWO8_ETL_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	switch os.Getenv(asCommandEnv) {
	case "quick":
		os.Exit(runAsCommand(quickSettings()))
	case "production":
		os.Exit(runAsCommand(settings{}))
	}
	os.Exit(m.Run())
}

// memoryReportEnv, in a child process's environment, names a file where the child writes
// the peaks of its heap when its command ends (see heapPeaks): the memory benchmarks measure
// a run in a process of its own, without the sandbox and the benchmark beside it.
const memoryReportEnv = "BANGWO8_ETL_TEST_MEMORY_REPORT"

// heapPeaks are the peaks of a run's memory: Live is the live heap as the last collection
// found it (/gc/heap/live) and All every heap object, garbage included, sampled every 2ms;
// RSS is the process's own peak resident set (VmHWM, Linux only: the child's rusage would
// report its parent's peak too, which the child shared until its exec).
type heapPeaks struct {
	Live, All, RSS uint64
}

// peakRSS reads the process's peak resident set from /proc/self/status; 0 where there is none.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// runAsCommand runs this process as the command, writing its heap peaks where
// memoryReportEnv says.
func runAsCommand(s settings) int {
	path := os.Getenv(memoryReportEnv)
	if path == "" {
		return runProcess(s)
	}
	stop, done := make(chan struct{}), make(chan heapPeaks)
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
		var p heapPeaks
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			p.Live = max(p.Live, sample[0].Value.Uint64())
			p.All = max(p.All, sample[1].Value.Uint64())
			select {
			case <-stop:
				done <- p
				return
			case <-tick.C:
			}
		}
	}()
	code := runProcess(s)
	close(stop)
	peaks := <-done
	peaks.RSS = peakRSS()
	b, _ := json.Marshal(peaks)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return code
}

// quickSettings are production's pacing with millisecond waits: retries back off from 1ms up
// to 10ms, and no 429 holds the calls for more than 20ms, whatever its Retry-After says (the
// sandbox's are whole seconds). What the tests prove does not hang on the length of a wait.
// Answers are bounded at 4 MB (production: 64 MB), so that a hostile server's huge answer
// is read quickly; the tests' pages are far smaller.
func quickSettings() settings {
	return settings{pacer: ratelimit.Config{
		BackoffBase:       time.Millisecond,
		BackoffMax:        10 * time.Millisecond,
		DefaultRetryAfter: 20 * time.Millisecond,
		MaxRetryAfter:     20 * time.Millisecond,
	}, maxAnswer: 4 << 20}
}

// testSettings are those of every run in the tests: quickSettings, or production's under
// -chaos.long, whose figures (bench/chaos.sh, quoted in the README) are a real run's.
func testSettings() (s settings, name string) {
	if *chaosLong {
		return settings{}, "production"
	}
	return quickSettings(), "quick"
}

// runTest is run with testSettings: every in-process run of the tests goes through it.
func runTest(ctx context.Context, args []string, streams *IOStreams, getenv func(string) string) int {
	s, _ := testSettings()
	return runWith(ctx, args, streams, getenv, s)
}

// cliProcess returns a command that runs bangwo8-etl with args in a process of its own: this
// test binary, through the code main runs, with testSettings. Its environment is this
// process's plus env ("KEY=value").
func cliProcess(t testing.TB, env []string, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	_, name := testSettings()
	cmd := exec.Command(self, args...)
	cmd.Env = append(append(os.Environ(), asCommandEnv+"="+name), env...)
	return cmd
}

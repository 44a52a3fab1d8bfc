package main

import (
	"context"
	"os"
	"os/exec"
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
		os.Exit(runProcess(quickSettings()))
	case "production":
		os.Exit(runProcess(settings{}))
	}
	os.Exit(m.Run())
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
func cliProcess(t *testing.T, env []string, args ...string) *exec.Cmd {
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

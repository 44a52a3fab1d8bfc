package main

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
)

// asCommandEnv, set to 1 in a child process's environment, makes this test binary run its
// command line as bangwo8-etl would, with quickSettings, instead of the tests.
const asCommandEnv = "BANGWO8_ETL_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(asCommandEnv) == "1" {
		os.Exit(runProcess(quickSettings()))
	}
	os.Exit(m.Run())
}

// quickSettings are production's pacing with millisecond waits: retries back off from 1ms up
// to 10ms, and no 429 holds the calls for more than 20ms, whatever its Retry-After says (the
// sandbox's are whole seconds). What the tests prove does not hang on the length of a wait.
func quickSettings() settings {
	return settings{pacer: ratelimit.Config{
		BackoffBase:       time.Millisecond,
		BackoffMax:        10 * time.Millisecond,
		DefaultRetryAfter: 20 * time.Millisecond,
		MaxRetryAfter:     20 * time.Millisecond,
	}}
}

// runQuick is run with quickSettings: every in-process run of the tests goes through it.
func runQuick(ctx context.Context, args []string, streams *IOStreams, getenv func(string) string) int {
	return runWith(ctx, args, streams, getenv, quickSettings())
}

// cliProcess returns a command that runs bangwo8-etl with args in a process of its own: this test
// binary, through the code main runs, with quickSettings. Its environment is this process's
// plus env ("KEY=value").
func cliProcess(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(append(os.Environ(), asCommandEnv+"=1"), env...)
	return cmd
}

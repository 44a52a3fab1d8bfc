package main

import (
	"context"
	"strings"
	"testing"
)

// TestCommandLineErrorsExitUsage: every mistake cobra finds in a command line on its own is a
// usage error (exit 2) saying what is wrong, and the bare command shows its help.
func TestCommandLineErrorsExitUsage(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown command", []string{"exprot"}, `unknown command "exprot" for "bangwo8-etl"; did you mean export?`},
		{"unknown subcommand", []string{"extension", "chek"}, `unknown command "chek" for "bangwo8-etl extension"`},
		{"unknown flag", []string{"export", "--out", "x.csv", "--no-such-flag"}, "unknown flag: --no-such-flag"},
		{"unknown shorthand", []string{"template", "-z"}, "unknown shorthand flag: 'z'"},
		{"missing required flag", []string{"template", "--out", "x.xlsx"}, `required flag(s) "mapping" not set`},
		{"missing required flags", []string{"import"}, `required flag(s) "in", "mapping" not set`},
		{"extra positional argument", []string{"export", "--out", "x.csv", "extra"}, `unknown command "extra" for "bangwo8-etl export"`},
		{"too many arguments", []string{"extension", "check", "a", "b"}, "accepts 1 arg(s), received 2"},
		{"too few arguments", []string{"extension", "check"}, "accepts 1 arg(s), received 0"},
		{"bad flag value", []string{"export", "--out", "x.csv", "--rps", "fast"}, `invalid argument "fast" for "--rps"`},
		{"bad global flag value", []string{"--quiet=maybe", "demo"}, `invalid argument "maybe" for "--quiet"`},
		{"cobra's own command", []string{"completion", "bash", "extra"}, `unknown command "extra" for "bangwo8-etl completion bash"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			code := runTest(context.Background(), tt.args, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil))
			if code != exitUsage || !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("%q: exit %d, stderr %q; want %d and %q", tt.args, code, errOut.String(), exitUsage, tt.want)
			}
		})
	}

	var out, errOut strings.Builder
	if code := runTest(context.Background(), nil, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil)); code != exitOK ||
		!strings.Contains(out.String(), "Available Commands:") {
		t.Errorf("no arguments: exit %d, stdout %q, stderr %q; want 0 and the help", code, out.String(), errOut.String())
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
)

// Exit codes, a promise to scripts: after 1 the same run may be tried again later; 2 needs a
// person to act first (bad flags, a wrong password, an unknown host, a journal or state of
// another server, a lock held by another run); 3 names the rows to fix in the report.
const (
	exitOK      = 0 // all done
	exitFailed  = 1 // failed; the report says how far it got
	exitUsage   = 2 // usage or configuration error
	exitPartial = 3 // finished, but some rows were invalid or failed
)

// IOStreams is where a command reads and writes; tests pass buffers.
type IOStreams struct {
	In            io.Reader
	Out           io.Writer
	Err           io.Writer
	ErrIsTerminal bool // draw progress bars only on a terminal
}

// app is what every command shares: streams, environment, settings, and the global flags.
type app struct {
	streams  *IOStreams
	getenv   func(string) string
	settings settings

	logFormat  string
	quiet      bool
	noProgress bool
	lang       string // --lang; "" follows the locale (see language)

	logOnce sync.Once
	log     *slog.Logger
}

// logger returns the slog logger the global flags ask for, writing to stderr.
//
// It is made once (after the flags are read) and shared: every handler locks only itself, so
// two loggers over one stderr would write at the same time, and a client's retry warnings
// from the workers would race the progress lines (a data race on a test's buffer).
func (a *app) logger() *slog.Logger {
	a.logOnce.Do(func() {
		level := slog.LevelInfo
		if a.quiet {
			level = slog.LevelWarn
		}
		opts := &slog.HandlerOptions{Level: level}
		if a.logFormat == "json" {
			a.log = slog.New(slog.NewJSONHandler(a.streams.Err, opts))
			return
		}
		a.log = slog.New(slog.NewTextHandler(a.streams.Err, opts))
	})
	return a.log
}

// showProgress reports whether a progress bar should be drawn.
func (a *app) showProgress() bool {
	return a.streams.ErrIsTerminal && !a.noProgress && !a.quiet
}

// exitError carries an exit code through cobra's error return.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is a usage or configuration error (exit 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// newRootCmd builds the command tree over the given streams and environment.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "bangwo8-etl",
		Short: "Move company records between spreadsheets and Bangwo8 (帮我吧)",
		Long: `bangwo8-etl exports Bangwo8 companies to Excel or CSV, validates and imports
spreadsheets back, and serves a local sandbox of the vendor API for rehearsals.`,
		Example: `  bangwo8-etl demo                                        # the whole loop on a built-in sandbox
  bangwo8-etl template --mapping samples/mapping.yaml --out 模板.xlsx
  bangwo8-etl validate --in 模板.xlsx --mapping samples/mapping.yaml --report 检查结果.xlsx`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			switch a.logFormat {
			case "text", "json":
				return nil
			}
			return usageErrorf("--log-format must be text or json, not %q", a.logFormat)
		},
	}
	root.SetIn(a.streams.In)
	root.SetOut(a.streams.Out)
	root.SetErr(a.streams.Err)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.logFormat, "log-format", "text", "log format: text or json")
	pf.BoolVar(&a.quiet, "quiet", false, "log only warnings and errors")
	pf.BoolVar(&a.noProgress, "no-progress", false, "never draw a progress bar")
	pf.StringVar(&a.lang, "lang", "", "language of templates, reports and the demo: zh or en (default: en for an English LC_ALL/LANG, else zh)")

	for _, sub := range subcommands(a) {
		root.AddCommand(sub)
	}
	return root
}

// subcommands lists the commands; each lives in its own file.
func subcommands(a *app) []*cobra.Command {
	return []*cobra.Command{
		newSandboxCmd(a),
		newExportCmd(a),
		newValidateCmd(a), newImportCmd(a),
		newDemoCmd(a), newTemplateCmd(a),
		newExtensionCmd(a),
		// new commands are added here
	}
}

// settings are what a run takes neither from flags nor from the environment. The zero value is
// production's; tests shrink the waits (see runWith).
type settings struct {
	// pacer is the start of every command's pacer: the flags set its RPS and Burst. Zero
	// fields take the ratelimit package's defaults (retry delays from 250ms up to 30s, the
	// pause a 429 asks for, however long).
	pacer ratelimit.Config
}

// run executes the command line and maps the outcome to an exit code.
func run(ctx context.Context, args []string, streams *IOStreams, getenv func(string) string) int {
	return runWith(ctx, args, streams, getenv, settings{})
}

// runWith is run with settings other than production's; tests call it with millisecond waits.
func runWith(ctx context.Context, args []string, streams *IOStreams, getenv func(string) string, s settings) int {
	a := &app{streams: streams, getenv: getenv, settings: s}
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(streams.Err, "bangwo8-etl: %v\n", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// cobra reports unknown commands and flags as plain errors.
	if strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") ||
		strings.Contains(err.Error(), "accepts ") || strings.Contains(err.Error(), "required flag") {
		return exitUsage
	}
	return exitFailed
}

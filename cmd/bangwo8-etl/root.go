package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
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
	InIsTerminal  bool // a person can answer a question (undo asks before writing)
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
	return usageError(fmt.Errorf(format, args...))
}

// usageError makes err a usage error (exit 2); nil stays nil.
func usageError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: exitUsage, err: err}
}

// configExit makes an error that only a person can fix (a wrong password, a host that does
// not resolve, a redirect off the base URL) exit 2, saying so first, Chinese first: retrying
// tomorrow, as scripts do after exit 1, cannot help.
func configExit(err error) error {
	var host *bangwo8.HostNotFoundError
	var redirect *bangwo8.RedirectError
	switch {
	case bangwo8.IsUnauthorized(err), bangwo8.IsForbidden(err):
		return &exitError{code: exitUsage, err: fmt.Errorf("账号或密码错误 / wrong account or password (BANGWO8_ACCOUNT, BANGWO8_PASSWORD): %w", err)}
	case errors.As(err, &host):
		return &exitError{code: exitUsage, err: fmt.Errorf("找不到服务器 %s / host %q not found: check --base-url", host.Host, host.Host)}
	case errors.As(err, &redirect):
		return &exitError{code: exitUsage, err: fmt.Errorf("服务器把请求转到了别处 / the server redirects elsewhere: check --base-url: %w", redirect)}
	}
	return err
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
		// Without Args, cobra reports an unknown command itself, as an error of no type. With
		// Args, the root must run to show its help (and says so in its usage line: no flags).
		Args:                       unknownCommand,
		SuggestionsMinimumDistance: 2, // cobra's own default, which SuggestionsFor does not apply
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		DisableFlagsInUseLine:      true,
		// The one PersistentPreRunE: cobra runs only the nearest, so no subcommand has its own.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			// cobra checks required flags and flag groups again after this, untyped; here
			// they fail first, as usage errors.
			if err := cmd.ValidateRequiredFlags(); err != nil {
				return usageError(err)
			}
			if err := cmd.ValidateFlagGroups(); err != nil {
				return usageError(err)
			}
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
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError(err) })
	pf := root.PersistentFlags()
	pf.StringVar(&a.logFormat, "log-format", "text", "log format: text or json")
	pf.BoolVar(&a.quiet, "quiet", false, "log only warnings and errors")
	pf.BoolVar(&a.noProgress, "no-progress", false, "never draw a progress bar")
	pf.StringVar(&a.lang, "lang", "", "language of templates, reports and the demo: zh or en (default: en for an English LC_ALL/LANG, else zh)")

	for _, sub := range subcommands(a) {
		root.AddCommand(sub)
	}
	typeArgsErrors(root)
	return root
}

// unknownCommand is the root's Args: a word that names no command is refused, with cobra's
// suggestions.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		return fmt.Errorf("unknown command %q for %q; did you mean %s?", args[0], cmd.CommandPath(), strings.Join(s, " or "))
	}
	return fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())
}

// typeArgsErrors makes the positional-argument checks of cmd and its subcommands (cobra.NoArgs,
// cobra.ExactArgs...) return usage errors. cobra's own help and completion commands, which it
// adds when it runs, are added first so that theirs are typed too.
func typeArgsErrors(cmd *cobra.Command) {
	if !cmd.HasParent() {
		cmd.InitDefaultHelpCmd()
		cmd.InitDefaultCompletionCmd()
	}
	if check := cmd.Args; check != nil {
		cmd.Args = func(cmd *cobra.Command, args []string) error { return usageError(check(cmd, args)) }
	}
	for _, sub := range cmd.Commands() {
		typeArgsErrors(sub)
	}
}

// subcommands lists the commands; each lives in its own file.
func subcommands(a *app) []*cobra.Command {
	return []*cobra.Command{
		newSandboxCmd(a),
		newExportCmd(a),
		newValidateCmd(a), newImportCmd(a),
		newDemoCmd(a), newTemplateCmd(a),
		newExtensionCmd(a),
		newSamplesCmd(a),
		newUndoCmd(a),
		newWebCmd(a),
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

	// transport, when set, carries the API client's calls: the tests' seam for a host that
	// does not resolve (without real DNS) and for a TLS server of their own.
	transport http.RoundTripper

	// maxAnswer bounds each answer of the API, on the wire and unpacked; 0 is the client's
	// default (bangwo8.DefaultMaxAnswerBytes). The tests make it small, so that a huge answer
	// costs them little.
	maxAnswer int64
}

// runWith executes the command line and maps the outcome to an exit code. main passes
// production's settings (the zero value); tests pass millisecond waits.
func runWith(ctx context.Context, args []string, streams *IOStreams, getenv func(string) string, s settings) int {
	a := &app{streams: streams, getenv: getenv, settings: s}
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	err = configExit(err)
	fmt.Fprintf(streams.Err, "bangwo8-etl: %v\n", err)
	if ee, ok := errors.AsType[*exitError](err); ok {
		return ee.code
	}
	return exitFailed
}

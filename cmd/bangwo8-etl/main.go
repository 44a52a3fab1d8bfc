// Command bangwo8-etl moves company records between spreadsheets and Bangwo8's company API.
//
// This package holds flags, environment, exit codes and wiring only; the work is done by the
// packages it calls.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	os.Exit(runProcess(settings{}))
}

// runProcess runs this process's command line over its standard streams and environment,
// until it ends or a signal asks it to stop, and returns the exit code. The tests run their
// own binary through it as the command (see TestMain).
func runProcess(s settings) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	streams := &IOStreams{
		In:            os.Stdin,
		Out:           os.Stdout,
		Err:           os.Stderr,
		ErrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		InIsTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
	}
	return runWith(ctx, os.Args[1:], streams, os.Getenv, s)
}

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/internal/runlock"
	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/undo"
)

type undoFlags struct {
	api             apiFlags
	journal, report string
	dryRun, yes     bool
	verbose         bool
}

// undoPlanLines is how many lines of the plan are shown before the question; the report, -v
// and --dry-run have them all.
const undoPlanLines = 20

func newUndoCmd(a *app) *cobra.Command {
	var f undoFlags
	cmd := &cobra.Command{
		Use:   "undo --journal J [--dry-run] [--yes] [--report R]",
		Short: "Undo an import: restore the fields it changed, soft-delete the companies it created",
		Long: `undo reads the journal of an import (import --journal J) and the current values of
the companies it wrote, shows its plan, and after confirmation gives every field the import
changed its previous value back, unless the field changed again since the import (a conflict:
reported, left alone), and soft-deletes (status 2, 已删除) the companies the import created.
Passwords are not kept in the journal and are not restored.

It runs against the service and account the import wrote to (--base-url and --account must
be the journal's). On a terminal it asks before writing; --yes skips the question; without a
terminal and without --yes it refuses (exit 2). --dry-run shows the plan and writes nothing
to the service. The report (--report, default J with .undo.csv) has a line per field and per
company, in Chinese or with --lang en in English. Stopped half-way, the same command run
again finishes: what is already restored or deleted is seen and left as it is.
Exit 0 all undone, 1 failed or interrupted, 2 usage, 3 conflicts or companies left (see the report).`,
		Example: `  bangwo8-etl undo --journal 导入记录.jsonl --dry-run
  bangwo8-etl undo --journal 导入记录.jsonl
  bangwo8-etl undo --journal run.jsonl --yes --report undo.csv --lang en`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runUndo(cmd.Context(), a, &f)
		},
	}
	f.api.register(cmd, a)
	fl := cmd.Flags()
	fl.StringVar(&f.journal, "journal", "", "journal of the import to undo (required)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "show the plan and write nothing to the service")
	fl.BoolVarP(&f.yes, "yes", "y", false, "do not ask before writing (needed without a terminal)")
	fl.StringVar(&f.report, "report", "", "write the outcome of every field and company to this .csv file (default: the journal's name with .undo.csv)")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "show every line of the plan, not only the first 20")
	_ = cmd.MarkFlagRequired("journal")
	return cmd
}

func runUndo(ctx context.Context, a *app, f *undoFlags) error {
	start := time.Now()
	if f.report == "" {
		f.report = strings.TrimSuffix(f.journal, filepath.Ext(f.journal)) + ".undo.csv"
	} else if !strings.EqualFold(filepath.Ext(f.report), ".csv") {
		return usageErrorf("--report %s: want a .csv file", f.report)
	}
	l, err := a.language()
	if err != nil {
		return err
	}
	// Refused before anything is read: nobody could answer the question.
	if !f.dryRun && !f.yes && !a.streams.InIsTerminal {
		return usageErrorf("%s", l.Pick("撤销会写入服务，但这里没有终端可以确认：先用 --dry-run 看计划，再加 --yes 运行",
			"undo writes to the service and there is no terminal to confirm on: look with --dry-run, then run again with --yes"))
	}
	// An import or another undo on this journal would change what this one reads.
	lock, err := runlock.Acquire(f.journal, "bangwo8-etl undo")
	if err != nil {
		return &exitError{code: exitUsage, err: inLanguage(err, l)}
	}
	defer lock.Release()
	j, err := importer.ReadJournal(f.journal)
	if err != nil {
		return usageError(err)
	}
	if err := checkJournalService(j, &f.api, l); err != nil {
		return err
	}
	client, pacer, err := f.api.client(a)
	if err != nil {
		return err
	}
	log := a.logger()
	progress := newProgress(a, log, "undo progress", "companies", map[string]string{undo.PhaseRead: "reading companies", undo.PhaseWrite: "writing"})
	defer progress.done()
	opts := undo.Options{Concurrency: f.api.concurrency, Progress: func(pr tally.Progress) { progress.update(pr) }}
	plan, err := undo.Prepare(ctx, client, j, opts)
	progress.done()
	if err != nil {
		return importExit(err, l)
	}
	shown := undoPlanLines
	if f.verbose || f.dryRun {
		shown = 0
	}
	plan.Print(a.streams.Out, l, shown)

	finish := func(applyErr error) error {
		if err := plan.WriteReport(f.report, l); err != nil {
			return errors.Join(applyErr, err)
		}
		attrs := []any{"journal", f.journal, "dry_run", f.dryRun, "writes", plan.Writes()}
		n := plan.Tally()
		for _, s := range undo.States() {
			attrs = append(attrs, string(s), n[s])
		}
		attrs = append(attrs, "report", f.report, "seconds", time.Since(start).Seconds())
		log.Info("undo done", append(attrs, paceAttrs(pacer, time.Since(start).Seconds())...)...)
		if applyErr != nil {
			return importExit(applyErr, l)
		}
		if !plan.Settled() {
			return &exitError{code: exitPartial, err: fmt.Errorf(l.Pick("有没能撤销的内容（冲突、密码、找不到的公司、失败）：见 %s",
				"not everything could be undone (conflicts, passwords, companies not found, failures): see %s"), f.report)}
		}
		return nil
	}
	if f.dryRun || plan.Writes() == 0 {
		return finish(nil)
	}
	if !f.yes {
		ok, err := confirm(ctx, a, l, plan.Writes())
		if err != nil {
			return err
		}
		if !ok {
			return &exitError{code: exitFailed, err: errors.New(l.Pick("已取消：没有写入任何内容", "cancelled: nothing was written"))}
		}
	}
	applyErr := plan.Apply(ctx, client, opts)
	progress.done()
	fmt.Fprintln(a.streams.Out, plan.Totals(l))
	return finish(applyErr)
}

// checkJournalService refuses a journal that undo cannot use against the service the flags
// name: one that does not name its service, or names another service or account (exit 2: a
// person must choose).
func checkJournalService(j *importer.Journal, f *apiFlags, l lang.Lang) error {
	if j.Account == "" || j.Server == "" {
		return usageErrorf(l.Pick("导入记录 %s 没有写明导入用的服务和账号，不能撤销",
			"journal %s does not say which service and account the import wrote to: it cannot be undone"), j.Path)
	}
	if strings.TrimRight(j.Server, "/") != strings.TrimRight(f.baseURL, "/") {
		return usageErrorf(l.Pick("导入记录 %s：导入写的是 %s，不是 %s；请加 --base-url %s 再撤销",
			"journal %s: the import wrote to %s, not %s; run undo with --base-url %s"), j.Path, j.Server, f.baseURL, j.Server)
	}
	if j.Account != f.account {
		return usageErrorf(l.Pick("导入记录 %s：导入用的账号是 %s，不是 %s；请加 --account %s 再撤销",
			"journal %s: the import ran as account %s, not %s; run undo with --account %s"), j.Path, j.Account, f.account, j.Account)
	}
	return nil
}

// confirm asks on the terminal whether to write to n companies; only yes (y, 是) goes on. The
// question goes to stderr, so that the plan on stdout can be kept in a file.
func confirm(ctx context.Context, a *app, l lang.Lang, n int) (bool, error) {
	fmt.Fprintf(a.streams.Err, l.Pick("将写入 %d 家公司。确定撤销吗？输入 yes 继续，其他任何输入取消：", "This writes to %d companies. Undo? Type yes to go on, anything else cancels: "), n)
	answer := make(chan string, 1)
	go func() { // a read of stdin cannot be cancelled: Ctrl-C leaves it behind
		s, _ := bufio.NewReader(a.streams.In).ReadString('\n')
		answer <- s
	}()
	select {
	case <-ctx.Done():
		return false, fmt.Errorf("stopped: %w", ctx.Err())
	case s := <-answer:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "yes", "y", "是":
			return true, nil
		}
		return false, nil
	}
}

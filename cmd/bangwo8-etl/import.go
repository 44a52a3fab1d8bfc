package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
)

type importFlags struct {
	api                     apiFlags
	in, mappingPath, report string
	sheet                   string
	journal, mode           string
	dryRun, skipInvalid     bool
	verbose                 bool
	maxProblems             int
	assets                  string // --assets: the extension's asset table (extension.go)
}

func newImportCmd(a *app) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import --in FILE --mapping M [--mode create|update|upsert] [--dry-run] [--skip-invalid] [--report R] [--journal J]",
		Short: "Create or update companies from a spreadsheet",
		Long: `import validates every row of FILE first; when any row is invalid (or its key finds
no company, several, or one that create may not touch) nothing is written, unless
--skip-invalid. It then finds the existing companies by the mapping's match key and writes
only the rows that change something, --concurrency at a time under one shared rate limit.

--mode: create, update or upsert (default: upsert when the mapping has a match key, else
create). Upsert by uId creates the rows whose uId is empty; an unknown uId is invalid.
--dry-run prints the plan and writes nothing: the counts, the fields it clears and the time
the writes take at --rps; with -v every row, naming the company, with old -> new values
(Chinese, or English with --lang en). A row with a uId updates that company whatever its key
says; an empty cell keeps the company's value, and #清空 (or #CLEAR) clears it.
--journal FILE records every finished row; running the same command again continues where it
stopped and creates nothing twice. Ctrl-C lets the writes in flight finish and writes the
report. Exit 0 all done, 1 failed or interrupted, 2 usage, 3 some rows invalid or failed.`,
		Example: `  export BANGWO8_ACCOUNT=me BANGWO8_PASSWORD=...
  bangwo8-etl import --in companies.xlsx --mapping samples/mapping.yaml --dry-run -v
  bangwo8-etl import --in companies.xlsx --mapping samples/mapping.yaml --report 结果.xlsx --journal run.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runImport(cmd, a, &f)
		},
	}
	f.api.register(cmd, a)
	fl := cmd.Flags()
	fl.StringVar(&f.in, "in", "", "spreadsheet to import, .xlsx or .csv (required)")
	fl.StringVar(&f.mappingPath, "mapping", "", "mapping file (required)")
	fl.StringVar(&f.sheet, "sheet", "", "the sheet of the workbook to read (default: the mapping's sheet, else the first visible sheet whose header the mapping reads)")
	fl.StringVar(&f.mode, "mode", "", "create, update or upsert (default: upsert with a match key, else create)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan and write nothing")
	fl.BoolVar(&f.skipInvalid, "skip-invalid", false, "write the valid rows even when others are invalid")
	fl.StringVar(&f.report, "report", "", "write every row's outcome to this .csv or .xlsx file (default: none)")
	fl.StringVar(&f.journal, "journal", "", "journal of finished rows, to resume an interrupted run")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print every row's action and changed fields")
	fl.IntVar(&f.maxProblems, "max-problems", 100, "print at most this many problems (the report has all)")
	fl.StringVar(&f.assets, "assets", "", "asset table (.xlsx or .csv) that fills the mapping's extension fields of each row")
	_ = cmd.MarkFlagRequired("in")
	_ = cmd.MarkFlagRequired("mapping")
	return cmd
}

func runImport(cmd *cobra.Command, a *app, f *importFlags) error {
	if err := checkReportPath(f.report, f.in); err != nil {
		return err
	}
	m, digest, err := loadMapping(f.mappingPath)
	if err != nil {
		return err
	}
	useSheet(m, f.sheet)
	if f.assets != "" && m.Extension == nil {
		return usageErrorf("--assets needs an extension block in the mapping %s (see bangwo8-etl extension --help)", f.mappingPath)
	}
	mode := importer.DefaultMode(m)
	if f.mode != "" {
		if mode, err = importer.ParseMode(f.mode); err != nil {
			return usageErrorf("--mode: %w", err)
		}
	}
	if mode != importer.ModeCreate && m.Match == "" {
		return usageErrorf("--mode %s needs a match key in the mapping (match: uId, serviceaccount or companyName)", mode)
	}
	client, pacer, err := f.api.client(a)
	if err != nil {
		return err
	}
	log := a.logger()
	progress, update := newImportProgress(a, log)
	l, err := a.language()
	if err != nil {
		return err
	}
	opts := importer.Options{
		Mode: mode, DryRun: f.dryRun, SkipInvalid: f.skipInvalid, Concurrency: f.api.concurrency,
		Report: f.report, Lang: l, Journal: f.journal, MappingDigest: digest,
		Account: f.api.account, Server: f.api.server(),
		Logger: log, Progress: update, Problems: a.streams.Err, MaxProblems: f.maxProblems,
		Assets: f.assets, Retries: f.api.retries,
	}
	if f.verbose {
		opts.Plan = a.streams.Out
	}
	sum, err := importer.Import(cmd.Context(), client, f.in, m, opts)
	progress.done()
	if f.dryRun && err == nil {
		lookups := 0 // the calls that found the companies: the real run makes them again
		if pacer != nil {
			lookups = int(pacer.Stats().Calls)
		}
		fmt.Fprintln(a.streams.Out, l.PlanSummary(lang.PlanCounts{Mode: string(sum.Mode),
			Create: sum.Created, Update: sum.Updated, Unchanged: sum.Unchanged, Invalid: sum.Invalid,
			Skipped: sum.Skipped, Clears: sum.Cleared, Kept: sum.Kept, Lookups: lookups, RPS: f.api.rps}))
	}
	if sum != nil && sum.Rows > 0 {
		logSummary(log, "import done", sum, paceAttrs(pacer, sum.Elapsed.Seconds())...)
	}
	if err != nil {
		return importExit(err, l)
	}
	if sum.Rows == 0 {
		return noRowsError(sum)
	}
	return rowsExit(sum, l)
}

package main

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"slices"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/exporter"
	"github.com/bangwo8-etl/bangwo8-etl/internal/runlock"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// exportFlags are the flags of the export command.
type exportFlags struct {
	api         apiFlags
	out         string
	mappingPath string
	encoding    string
	filter      exporter.Filter
	query       string
	ids         string
	perPage     int
	statePath   string
	sort, order string
	passwords   bool
}

func newExportCmd(a *app) *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export --out FILE.xlsx|FILE.csv [--mapping M] [filters]",
		Short: "Export companies to an Excel or CSV file",
		Long: `export writes every company the filters select to FILE, exactly once. The file's
ending decides the format (.xlsx or .csv). It appears only when complete.

Without --mapping the columns are every documented field, headed by the vendor's Chinese
labels, then one column per custom field key (sorted by name). With --state FILE only what
changed since the last run with the same state file is written.

The service passwords (服务密码) are left out unless the mapping has a servicepassword column
or --include-passwords is given; a file that holds them is readable by its owner only (0600).`,
		Example: `  export BANGWO8_ACCOUNT=me BANGWO8_PASSWORD=...
  bangwo8-etl export --out companies.xlsx --mapping samples/mapping.yaml
  bangwo8-etl export --out changed.csv --state nightly.json --include-deleted --log-format json
  bangwo8-etl export --out vip.xlsx --query "field_2:VIP createDT>=2023-01-01"
  bangwo8-etl export --out recent.csv --sort updated --order desc`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExport(cmd, a, &f)
		},
	}
	f.api.register(cmd, a)
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "output file, .xlsx or .csv (required)")
	fl.StringVar(&f.mappingPath, "mapping", "", "mapping file naming the columns (default: every field)")
	fl.StringVar(&f.encoding, "encoding", string(exporter.EncodingUTF8BOM), "CSV encoding: utf8-bom, utf8 or gbk (.csv only)")
	fl.StringVar(&f.filter.CreatedStart, "created-start", "", "created on or after this day (YYYY-MM-DD)")
	fl.StringVar(&f.filter.CreatedEnd, "created-end", "", "created on or before this day (YYYY-MM-DD)")
	fl.StringVar(&f.filter.UpdatedStart, "updated-start", "", "updated on or after this day (YYYY-MM-DD)")
	fl.StringVar(&f.filter.UpdatedEnd, "updated-end", "", "updated on or before this day (YYYY-MM-DD)")
	fl.BoolVar(&f.filter.IncludeDeleted, "include-deleted", false, "export soft-deleted companies too")
	fl.StringVar(&f.query, "query", "", "export the matches of this search query instead of the list")
	fl.StringVar(&f.ids, "ids", "", "export these company ids (comma separated) instead of the list")
	fl.StringVar(&f.sort, "sort", "", "sort by created or updated (the list's created_order/updated_order, a query's sort_by; default: ids ascending, a query by created)")
	fl.StringVar(&f.order, "order", "", "with --sort: asc or desc (default asc)")
	fl.IntVar(&f.perPage, "per-page", exporter.DefaultPerPage, "companies per page (at most 5000; not with --ids)")
	fl.StringVar(&f.statePath, "state", "", "incremental: state file of the last run; only changes since are exported")
	fl.BoolVar(&f.passwords, "include-passwords", false, "write the 服务密码 column too (left out by default); the file is then readable by its owner only")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func runExport(cmd *cobra.Command, a *app, f *exportFlags) error {
	log := a.logger()
	if _, err := a.language(); err != nil { // the language of the exit message
		return err
	}
	opts := exporter.Options{
		Out:         f.out,
		Filter:      f.filter,
		Query:       f.query,
		Sort:        exporter.Sort{By: exporter.SortField(f.sort), Order: bangwo8.Order(f.order)},
		Concurrency: f.api.concurrency,
		StatePath:   f.statePath,
		Logger:      log,

		IncludePasswords: f.passwords,
	}
	// Given only when asked for, so that options that do not go together are usage errors
	// (--encoding with an .xlsx file, --per-page with --ids) instead of being ignored.
	if cmd.Flags().Changed("encoding") {
		opts.Encoding = exporter.Encoding(f.encoding)
	}
	if cmd.Flags().Changed("per-page") {
		opts.PerPage = f.perPage
	}
	if cmd.Flags().Changed("query") && cmd.Flags().Changed("ids") {
		return usageErrorf("--query and --ids cannot be combined: export a search or a list of ids")
	}
	if cmd.Flags().Changed("ids") {
		ids, err := exporter.ParseIDs(f.ids)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		opts.IDs = ids
	}
	if f.mappingPath != "" {
		m, err := mapping.Load(f.mappingPath)
		if err != nil {
			return usageErrorf("%w", err)
		}
		opts.Mapping = m
	}
	// Check before the client, so a bad flag is reported even without credentials.
	if err := opts.Check(); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	client, pacer, err := f.api.client(a)
	if err != nil {
		return err
	}
	opts.Server, opts.Account = f.api.server(), f.api.account
	l, err := a.language()
	if err != nil {
		return err
	}

	// An export allocates much and keeps little: with the collector's heap goal at twice the
	// default, it spends about a seventh less CPU for about 10 MB more peak memory, which stays
	// flat in the number of companies. GOGC, when set, decides.
	if a.getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(exportGCPercent))
	}
	progress, update := newExportProgress(a, log)
	opts.Progress = update
	sum, err := exporter.Run(cmd.Context(), client, opts)
	progress.done()
	if err != nil {
		if errors.Is(err, runlock.ErrHeld) || errors.As(err, new(*exporter.StateMismatchError)) {
			return &exitError{code: exitUsage, err: inLanguage(err, l)}
		}
		if errors.Is(err, exporter.ErrInvalidOptions) {
			return &exitError{code: exitUsage, err: err}
		}
		return &exitError{code: exitFailed, err: err}
	}
	reportExport(log, sum, paceAttrs(pacer, sum.Elapsed.Seconds())...)
	if len(sum.MissingIDs) > 0 && len(opts.IDs) > 0 {
		return &exitError{code: exitPartial, err: missingIDsError(a, sum, len(opts.IDs))}
	}
	return nil
}

// missingIDsError is the exit message of an export of ids some of which were not found: how
// many, and what the file holds; the warning above it lists them.
func missingIDsError(a *app, sum *exporter.Summary, asked int) error {
	l, _ := a.language() // checked by runExport before the export
	n := len(sum.MissingIDs)
	if sum.Companies == 0 {
		return fmt.Errorf(l.Pick("要导出的 %d 个公司ID都不存在（见上面的列表）；%s 里只有表头", "none of the %d ids asked for was found (listed above); %s holds only the header"),
			asked, sum.File)
	}
	return fmt.Errorf(l.Pick("要导出的 %d 个公司ID中有 %d 个不存在（见上面的列表）；其余 %d 家公司已写入 %s", "%[2]d of the %[1]d ids asked for were not found (listed above); the other %[3]d companies are in %[4]s"),
		asked, n, sum.Companies, sum.File)
}

// exportGCPercent is the GOGC of an export.
const exportGCPercent = 200

// reportExport logs the warnings of a finished export, then its one-line summary; extra
// attributes (the pacer's figures) go at its end.
func reportExport(log *slog.Logger, sum *exporter.Summary, extra ...any) {
	if n := len(sum.MissingIDs); n > 0 {
		log.Warn("companies not found", "count", n, "ids", sum.MissingIDs)
	}
	for _, c := range sum.Future {
		log.Warn("company dated in the future (its updateDT is past the server's clock): exported every time, it does not move the state",
			"uId", c.UID, "companyName", c.Name, "updateDT", c.UpdateDT)
	}
	if n := sum.FutureCount - len(sum.Future); n > 0 {
		log.Warn("more companies dated in the future, not listed", "count", n)
	}
	for _, key := range slices.Sorted(maps.Keys(sum.UnmappedKeys)) {
		log.Warn("custom field not in the mapping: its values are not in the file", "key", key, "companies", sum.UnmappedKeys[key])
	}
	refused := slices.SortedFunc(maps.Keys(sum.Refused), func(a, b exporter.RefusedCells) int {
		return cmp.Or(cmp.Compare(a.Header, b.Header), cmp.Compare(a.Rule, b.Rule))
	})
	for _, r := range refused {
		log.Warn("values the mapping's own rules refuse: an import of this file would find these rows invalid",
			"column", r.Header, "rule", string(r.Rule), "companies", sum.Refused[r])
	}
	attrs := []any{
		"companies", sum.Companies,
		"sheets", sum.Sheets,
		"file", sum.File,
		"seconds", sum.Seconds(),
		"pages", sum.Pages,
		"deleted_skipped", sum.Deleted,
	}
	if sum.Unchanged > 0 || sum.NewestUpdate != "" {
		attrs = append(attrs, "unchanged_skipped", sum.Unchanged, "newest_update", sum.NewestUpdate)
	}
	if sum.Repeats > 0 {
		attrs = append(attrs, "repeats_dropped", sum.Repeats)
	}
	switch {
	case sum.Passwords:
		log.Warn("the file holds the service passwords (服务密码): it is readable by its owner only (mode 0600); keep it so", "file", sum.File)
	case sum.PasswordsLeftOut:
		log.Info("服务密码 left out of the file: --include-passwords writes it (the file is then readable by its owner only)")
	}
	log.Info("export done", append(attrs, extra...)...)
}

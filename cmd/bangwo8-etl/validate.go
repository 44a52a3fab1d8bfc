package main

import (
	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/importer"
)

type validateFlags struct {
	in, mappingPath, report string
	sheet                   string
	maxProblems             int
}

func newValidateCmd(a *app) *cobra.Command {
	var f validateFlags
	cmd := &cobra.Command{
		Use:   "validate --in FILE --mapping M [--report R]",
		Short: "Check every row of a spreadsheet against a mapping, offline",
		Long: `validate reads every row of FILE (.xlsx or .csv: UTF-8 with or without BOM, or GBK)
and checks it against the mapping's rules, and that no two rows share a match key. It calls
no API and needs no password. Each problem is printed with its row, column, value and rule;
--report writes the outcome of every row: .csv, one line each; .xlsx, the rows as they were,
those to fix first, each bad cell red with a comment saying what would be right (Chinese, or
English with --lang en); fix the cells and import the report itself. Exit 3 when any row is
invalid.`,
		Example: `  bangwo8-etl validate --in companies.xlsx --mapping samples/mapping.yaml
  bangwo8-etl validate --in 公司.csv --mapping samples/mapping.yaml --report 错误报告.xlsx`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkReportPath(f.report, f.in); err != nil {
				return err
			}
			m, _, err := loadMapping(f.mappingPath)
			if err != nil {
				return err
			}
			useSheet(m, f.sheet)
			l, err := a.language()
			if err != nil {
				return err
			}
			log := a.logger()
			progress, update := newImportProgress(a, log)
			sum, err := importer.Validate(cmd.Context(), f.in, m, importer.ValidateOptions{
				Report: f.report, Lang: l, Logger: log, Progress: update,
				Problems: a.streams.Out, MaxProblems: f.maxProblems,
			})
			progress.done()
			if err != nil {
				return importExit(err, l)
			}
			logSummary(log, "validate done", sum)
			return rowsExit(sum, l)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.in, "in", "", "spreadsheet to check, .xlsx or .csv (required)")
	fl.StringVar(&f.mappingPath, "mapping", "", "mapping file (required)")
	fl.StringVar(&f.sheet, "sheet", "", "the sheet of the workbook to read (default: the mapping's sheet, else the first visible sheet whose header the mapping reads)")
	fl.StringVar(&f.report, "report", "", "write every row's outcome to this .csv or .xlsx file (default: none)")
	fl.IntVar(&f.maxProblems, "max-problems", 100, "print at most this many problems (the report has all)")
	_ = cmd.MarkFlagRequired("in")
	_ = cmd.MarkFlagRequired("mapping")
	return cmd
}

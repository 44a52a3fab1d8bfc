package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/template"
)

func newTemplateCmd(a *app) *cobra.Command {
	var mappingPath, out string
	cmd := &cobra.Command{
		Use:   "template --mapping M --out FILE.xlsx",
		Short: "Write a blank workbook to fill in for an import",
		Long: `template writes a blank .xlsx with the mapping's headers, for people to fill in and
import with the same mapping, no edits needed. Required columns have a red header; every
header has a note (type, how to write a value, allowed values, limits; the mapping's note:
first); enum, checkbox and allowed-values columns have dropdowns; date columns are formatted
as dates, ids and accounts as text; the header is frozen. Read-only columns are left out.
The notes are in Chinese, or in English with --lang en.`,
		Example: `  bangwo8-etl template --mapping samples/mapping.yaml --out 公司导入模板.xlsx
  bangwo8-etl template --mapping samples/mapping.yaml --out template.xlsx --lang en`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := a.language()
			if err != nil {
				return err
			}
			if !strings.EqualFold(filepath.Ext(out), ".xlsx") {
				return usageErrorf("--out %s: a template is an .xlsx file", out)
			}
			m, err := mapping.Load(mappingPath)
			if err != nil {
				return usageErrorf("%w", err)
			}
			if err := template.Write(out, m, l); err != nil {
				return &exitError{code: exitFailed, err: err}
			}
			a.logger().Info("template written", "file", out, "columns", len(template.Columns(m)), "sheet", template.SheetName(m, l))
			fmt.Fprintln(a.streams.Out, out)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&mappingPath, "mapping", "", "mapping file whose columns the template has (required)")
	fl.StringVar(&out, "out", "", "the .xlsx file to write (required)")
	_ = cmd.MarkFlagRequired("mapping")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

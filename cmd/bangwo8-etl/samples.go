package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/samples"
)

func newSamplesCmd(a *app) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "samples --out DIR",
		Short: "Write the built-in sample mapping files and sheets into a directory",
		Long: `samples writes every sample built into the binary into DIR (created if needed): the
mapping files (mapping.yaml, mapping-minimal.yaml), the sample sheets (companies.xlsx,
companies.csv, broken.xlsx), README.md and 说明.txt, a short guide to what each is for. The
quick start's --mapping samples/mapping.yaml is then DIR/mapping.yaml, wherever the binary
runs. A file already in DIR is left alone unless --force.`,
		Example: `  bangwo8-etl samples --out samples
  bangwo8-etl template --mapping samples/mapping.yaml --out 公司导入模板.xlsx`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := a.language()
			if err != nil {
				return err
			}
			names := samples.Names()
			if !force {
				var there []string
				for _, name := range names {
					if _, err := os.Stat(filepath.Join(out, name)); err == nil {
						there = append(there, name)
					} else if !errors.Is(err, fs.ErrNotExist) {
						return usageErrorf("--out %s: %w", out, err)
					}
				}
				if len(there) > 0 {
					return usageErrorf(l.Pick("%s 里已经有 %s：没有覆盖（要覆盖请加 --force）", "%s already holds %s: left alone (--force replaces them)"),
						out, strings.Join(there, ", "))
				}
			}
			paths, err := samples.Extract(out, names...)
			if err != nil {
				return usageErrorf("%w", err)
			}
			fmt.Fprintln(a.streams.Out, l.Pick("已写出示例文件（用途见 说明.txt）：", "Sample files written (说明.txt says what each is for):"))
			for _, p := range paths {
				fmt.Fprintln(a.streams.Out, "  "+p)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory to write the samples into (required)")
	cmd.Flags().BoolVar(&force, "force", false, "replace sample files already in the directory")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/extension"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

func newExtensionCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "extension",
		Short: "Check and build the company external extension (公司外部扩展) configuration",
		Long: `The company external extension fills single-line text custom fields of a company from
a row of an asset table (资产表). "extension check" explains every problem of a configuration
with a fix; "extension url" builds the configuration URL from a mapping file's extension block.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("extension needs a subcommand: check or url")
		},
	}
	cmd.AddCommand(newExtensionCheckCmd(a), newExtensionURLCmd(a))
	return cmd
}

func newExtensionCheckCmd(a *app) *cobra.Command {
	var mappingPath string
	cmd := &cobra.Command{
		Use:   "check URL-or-MAPPING [--mapping M]",
		Short: "Explain every problem of an extension configuration, each with a fix",
		Example: `  bangwo8-etl extension check 'https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableName=devices&cPara=asset_field_1:field_9,_id:field_10&filter=ownerType:company,owner:{{company.companyId}}'
  bangwo8-etl extension check my-mapping.yaml`,
		Long: `check reads the configuration page's URL
(https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableName=...&cPara=...,
percent-encoded or not, or only its query) or a mapping file (.yaml/.yml) with an extension
block, and prints each problem with its fix. With --mapping, the cPara targets of a URL must
be custom.<key> text columns of that mapping (a mapping file's own block is always checked
against its columns).

Exit 0 when the configuration works (warnings may be printed), 2 when it has errors: a bad
configuration is a configuration error, like a bad mapping file.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExtensionCheck(a, args[0], mappingPath)
		},
	}
	cmd.Flags().StringVar(&mappingPath, "mapping", "", "check the cPara targets of a URL against this mapping's columns")
	return cmd
}

func runExtensionCheck(a *app, arg, mappingPath string) error {
	out := a.streams.Out
	l, err := a.language()
	if err != nil {
		return err
	}
	if isMappingFile(arg) {
		if mappingPath != "" {
			return usageErrorf("--mapping is for a URL; %s is a mapping file already", arg)
		}
		m, err := mapping.Load(arg)
		var fe *mapping.FileError
		if errors.As(err, &fe) {
			for _, p := range fe.Problems {
				fmt.Fprintf(out, "%s:%d:%d: error: %s\n", fe.Name, p.Line, p.Column, p.Message)
			}
			return &exitError{code: exitUsage, err: fmt.Errorf("extension check: %d errors in %s", len(fe.Problems), arg)}
		}
		if err != nil {
			return usageErrorf("%w", err)
		}
		if m.Extension == nil {
			return usageErrorf("%s has no extension block (see bangwo8-etl extension --help)", arg)
		}
		printProblems(out, l, m.Extension.Warnings)
		return checkVerdict(out, l, m.Extension.Config, m.Extension.Warnings)
	}
	params, problems := extension.ParseURL(arg)
	cfg, more := extension.Parse(params)
	problems = append(problems, more...)
	if mappingPath != "" {
		m, _, err := loadMapping(mappingPath)
		if err != nil {
			return err
		}
		problems = append(problems, cfg.CheckTargets(func(key string) (string, string) {
			return mappingTarget(m, key)
		})...)
	}
	printProblems(out, l, problems)
	if mappingPath == "" {
		fmt.Fprintln(out, l.ExtensionWords("not checked"))
	}
	return checkVerdict(out, l, cfg, problems)
}

// mappingTarget checks a URL's cPara target against a mapping as the mapping file's own
// extension block is checked: a custom.<key> text column that import writes.
func mappingTarget(m *mapping.Mapping, key string) (string, string) {
	c, ok := m.Column(mapping.CustomPrefix + key)
	switch {
	case !ok:
		return fmt.Sprintf("the mapping has no column of %s%s", mapping.CustomPrefix, key),
			fmt.Sprintf("add a column with field: %s%s (type text)", mapping.CustomPrefix, key)
	case c.Type != mapping.TypeText:
		return fmt.Sprintf("the column %q is type %s: the extension fills single-line text fields only", c.Header, c.Type),
			"make the column type: text, or fill another field"
	case c.ReadOnly:
		return fmt.Sprintf("the column %q is readonly: import never writes it", c.Header), "remove readonly: true"
	}
	return "", ""
}

func isMappingFile(arg string) bool {
	ext := strings.ToLower(filepath.Ext(arg))
	return (ext == ".yaml" || ext == ".yml") && !strings.Contains(arg, "?")
}

// printProblems writes a problem per line in l: in Chinese, what the rule asks first, then
// the message's details; in English, the message.
func printProblems(w io.Writer, l lang.Lang, problems extension.Problems) {
	for _, p := range problems {
		fmt.Fprintf(w, "%s [%s] %s", l.ExtensionWords(p.Severity.String()), p.Rule, p.Param)
		if p.Value != "" {
			fmt.Fprintf(w, " %q", p.Value)
		}
		if zh := l.ExtensionRule(string(p.Rule)); zh != "" {
			fmt.Fprintf(w, "：%s\n    %s：%s\n", zh, l.ExtensionWords("detail"), p.Message)
		} else {
			fmt.Fprintf(w, ": %s\n", p.Message)
		}
		if p.Fix != "" {
			fmt.Fprintf(w, "    %s: %s\n", l.ExtensionWords("fix"), p.Fix)
		}
	}
}

// checkVerdict prints the outcome: the configuration's meaning and canonical URL when it
// works, an exit-2 error when it does not.
func checkVerdict(w io.Writer, l lang.Lang, cfg extension.Config, problems extension.Problems) error {
	if errs := problems.Errors(); len(errs) > 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf(l.Pick("extension check：%d 个错误，%d 个警告", "extension check: %d errors, %d warnings"), len(errs), len(problems)-len(errs))}
	}
	colon := l.Pick("：", ": ")
	fmt.Fprintf(w, l.ExtensionWords("ok")+"\n", len(problems))
	fmt.Fprintf(w, "%s%s%s\n", l.ExtensionWords("table"), colon, tableText(l, cfg))
	for _, p := range cfg.CPara {
		fmt.Fprintf(w, "%s%s%s <- %s\n", l.ExtensionWords("fills"), colon, p.Company, assetText(l, p.Asset))
	}
	if len(cfg.Filter) == 0 {
		fmt.Fprintln(w, l.ExtensionWords("no filter"))
	}
	for _, c := range cfg.Filter {
		how := "contains"
		if c.Field == extension.OwnerTypeField || c.Field == extension.OwnerField {
			how = "equals"
		}
		fmt.Fprintf(w, "%s%s%s %s %q\n", l.ExtensionWords("filter"), colon, c.Field, l.ExtensionWords(how), c.Value)
	}
	if len(cfg.Display) == 0 {
		fmt.Fprintln(w, l.ExtensionWords("all columns"))
	} else {
		fmt.Fprintf(w, "%s%s%s\n", l.ExtensionWords("display"), colon, strings.Join(cfg.Display, ", "))
	}
	fmt.Fprintf(w, "%s%s%s\n", l.ExtensionWords("url"), colon, cfg.URL(""))
	return nil
}

func tableText(l lang.Lang, cfg extension.Config) string {
	switch {
	case cfg.TableName != "" && cfg.TableID != 0:
		return "tableName " + cfg.TableName + fmt.Sprintf(l.ExtensionWords("wins"), cfg.TableID)
	case cfg.TableName != "":
		return "tableName " + cfg.TableName
	}
	return fmt.Sprintf("tableId %d", cfg.TableID)
}

func assetText(l lang.Lang, field string) string {
	if field == extension.IDField {
		return l.ExtensionWords("picked id")
	}
	return field
}

func newExtensionURLCmd(a *app) *cobra.Command {
	var mappingPath, baseURL string
	cmd := &cobra.Command{
		Use:   "url --mapping M [--base-url URL]",
		Short: "Print the configuration URL of a mapping file's extension block",
		Example: `  bangwo8-etl extension url --mapping my-mapping.yaml
  bangwo8-etl extension url --mapping my-mapping.yaml --base-url http://127.0.0.1:8080   # for the sandbox`,
		Long: `url builds the extension page's URL from the mapping's extension block, percent-encoded,
parameters in the vendor's order and placeholders in their plain spelling, ready to paste
into the custom field's configuration. --base-url (default https://www.bangwo8.com, or env
BANGWO8_BASE_URL) points it at another site, such as the sandbox. Warnings go to stderr.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, _, err := loadMapping(mappingPath)
			if err != nil {
				return err
			}
			if m.Extension == nil {
				return usageErrorf("%s has no extension block", mappingPath)
			}
			l, err := a.language()
			if err != nil {
				return err
			}
			printProblems(a.streams.Err, l, m.Extension.Warnings)
			if baseURL == "" {
				baseURL = a.getenv("BANGWO8_BASE_URL")
			}
			fmt.Fprintln(a.streams.Out, bangwo8.RedactURL(m.Extension.Config.URL(baseURL))) // a base URL may hold a password
			return nil
		},
	}
	cmd.Flags().StringVar(&mappingPath, "mapping", "", "mapping file with an extension block (required)")
	cmd.Flags().StringVar(&baseURL, "base-url", "", "site of the page (default https://www.bangwo8.com or env BANGWO8_BASE_URL)")
	_ = cmd.MarkFlagRequired("mapping")
	return cmd
}

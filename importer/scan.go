package importer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// scan reads input once: the header, then every row that is not blank, each checked and
// handed to each with its record (nil when invalid) and problems. Nothing of a row is kept
// after each returns, so memory does not grow with the rows.
func scan(ctx context.Context, input string, m *mapping.Mapping, warn func([]mapping.Problem, string),
	each func(row int, rec *mapping.Record, problems []mapping.Problem) error) (sheetName string, err error) {
	return scanCells(ctx, input, m, warn, func(row int, _ []string, rec *mapping.Record, problems []mapping.Problem) error {
		return each(row, rec, problems)
	})
}

// scanCells is scan that also hands each the row's cells as read (valid until each returns),
// for the workbook report, which shows the rows as they were.
func scanCells(ctx context.Context, input string, m *mapping.Mapping, warn func([]mapping.Problem, string),
	each func(row int, cells []string, rec *mapping.Record, problems []mapping.Problem) error) (sheetName string, err error) {
	src, err := openTable(input, m)
	if err != nil {
		return "", err
	}
	defer src.Close()
	sheetName = src.Sheet()
	c, warnings, err := bind(src, input, m)
	if err != nil {
		return sheetName, err
	}
	if warn != nil {
		warn(warnings, sheetName)
	}
	for n := 0; ; n++ {
		if n%256 == 0 && ctx.Err() != nil {
			return sheetName, ctx.Err()
		}
		row, cells, err := src.Next()
		if err == io.EOF {
			return sheetName, nil
		}
		if err != nil {
			return sheetName, err
		}
		if c.binding.Blank(cells) {
			continue
		}
		rec, problems := c.check(row, cells)
		if err := each(row, cells, rec, problems); err != nil {
			return sheetName, err
		}
	}
}

// problemPrinter writes problems as lines that name the file, sheet, row, column, value and
// rule, up to a limit, in the person's language (lang.ProblemLine).
type problemPrinter struct {
	w       io.Writer
	file    string
	sheet   string
	max     int
	printed int
	more    int
	m       *mapping.Mapping
	l       lang.Lang
	report  string // the report the rest of the problems are in; "" for none
}

func (p *problemPrinter) print(problems []mapping.Problem) {
	if p.w == nil {
		return
	}
	for _, pr := range problems {
		if pr.Severity != mapping.Error {
			continue
		}
		if p.printed >= p.max {
			p.more++
			continue
		}
		p.printed++
		fmt.Fprintln(p.w, p.l.ProblemLine(p.file, p.sheet, pr, p.m.ColumnByHeader(pr.Header)))
	}
}

// warn writes a warning line about the file (not a problem: the row is still written), under
// the same limit as the problems.
func (p *problemPrinter) warn(msg string) {
	if p.w == nil {
		return
	}
	if p.printed >= p.max {
		p.more++
		return
	}
	p.printed++
	where := p.file
	if p.sheet != "" {
		where += fmt.Sprintf(" [%s]", p.sheet)
	}
	fmt.Fprintf(p.w, "%s%s%s\n", where, p.l.Pick("：", ": "), msg)
}

// warnVia learns the sheet's name from the header warnings, then passes them on.
func (p *problemPrinter) warnVia(warn func([]mapping.Problem, string)) func([]mapping.Problem, string) {
	return func(problems []mapping.Problem, sheet string) {
		p.sheet = sheet
		warn(problems, sheet)
	}
}

func (p *problemPrinter) finish() {
	if p.w == nil || p.more == 0 {
		return
	}
	if p.report != "" {
		fmt.Fprintf(p.w, p.l.Pick("……还有 %d 个问题，见报告 %s\n", "... and %d more problems: see the report %s\n"), p.more, p.report)
	} else {
		fmt.Fprintf(p.w, p.l.Pick("……还有 %d 个问题（加 --report 文件.xlsx 可以看到全部，或用 --max-problems 多显示一些）\n",
			"... and %d more problems (--report FILE.xlsx shows them all, --max-problems prints more)\n"), p.more)
	}
}

// warner logs the header warnings: the columns the mapping does not know in one line (a
// sheet may have thousands), each other warning (an optional column missing, the sheet read)
// in its own.
func warner(log *slog.Logger, input string, l lang.Lang) func([]mapping.Problem, string) {
	return func(problems []mapping.Problem, sheet string) {
		var unknown []string
		for _, p := range problems {
			switch {
			case p.Severity != mapping.Warning:
			case p.Rule == mapping.RuleUnknownColumn:
				unknown = append(unknown, p.Letter+" "+strings.TrimSpace(p.Header))
			default:
				log.Warn(l.HeaderWarning(p), "file", input, "sheet", sheet, "column", p.Letter)
			}
		}
		if len(unknown) > 0 {
			log.Warn(l.UnknownColumns(len(unknown), listShort(unknown, 20)), "file", input, "sheet", sheet)
		}
	}
}

// listShort joins at most max items, then says how many more there are.
func listShort(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s, ... (%d more)", strings.Join(items[:max], ", "), len(items)-max)
}

// Validate checks every row of input against m without calling the service, and writes the
// report: one line per row, valid or invalid with its problems. The error is for a file that
// cannot be read (*sheet.InputError, *HeaderError) or a report that cannot be written (which
// ends the validation at once); invalid rows are counted in the summary.
func Validate(ctx context.Context, input string, m *mapping.Mapping, opts ValidateOptions) (*Summary, error) {
	return validateWith(ctx, input, m, opts, openReport)
}

// validateWith is Validate with its report started by open.
func validateWith(ctx context.Context, input string, m *mapping.Mapping, opts ValidateOptions, open reportOpener) (*Summary, error) {
	start := time.Now()
	opts.defaults()
	sum := &Summary{Summary: tally.Summary{File: input}}
	defer func() { sum.Elapsed = time.Since(start) }()
	rep, err := open(opts.Report, input, m, opts.Lang)
	if err != nil {
		return sum, err
	}
	pp := &problemPrinter{w: opts.Problems, file: input, max: opts.MaxProblems, m: m, l: opts.Lang, report: opts.Report}
	sheetName, err := scanCells(ctx, input, m, pp.warnVia(warner(opts.Logger, input, opts.Lang)), func(row int, cells []string, rec *mapping.Record, problems []mapping.Problem) error {
		sum.Rows++
		r := report.Row{Row: row, Action: report.ActionValid, Cells: cells, Problems: problems}
		if rec == nil {
			pp.print(problems)
			r.Action = report.ActionInvalid
			r.Rule, r.Error = describe(problems)
		} else {
			r.Key, r.UID = rec.Key, uidText(rec.UID)
		}
		sum.count(r.Action)
		opts.Progress(Progress{Phase: PhaseValidate, Done: int64(sum.Rows), Elapsed: time.Since(start)})
		return rep.Write(r)
	})
	sum.Sheet = sheetName
	pp.finish()
	if err != nil {
		rep.Abort()
		return sum, err
	}
	if err := rep.Close(); err != nil {
		return sum, err
	}
	sum.Report = opts.Report
	return sum, nil
}

package importer

import (
	"context"
	"fmt"
	"io"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// scan reads input once: the header, then every row that is not blank, each checked and
// handed to each with its record (nil when invalid) and problems. Nothing of a row is kept
// after each returns, so memory does not grow with the rows.
func scan(ctx context.Context, input string, m *mapping.Mapping, warn func([]mapping.Problem, string),
	each func(row int, rec *mapping.Record, problems []mapping.Problem) error) (sheet string, err error) {
	return scanCells(ctx, input, m, warn, func(row int, _ []string, rec *mapping.Record, problems []mapping.Problem) error {
		return each(row, rec, problems)
	})
}

// scanCells is scan that also hands each the row's cells as read (valid until each returns),
// for the workbook report, which shows the rows as they were.
func scanCells(ctx context.Context, input string, m *mapping.Mapping, warn func([]mapping.Problem, string),
	each func(row int, cells []string, rec *mapping.Record, problems []mapping.Problem) error) (sheet string, err error) {
	src, err := Open(input, m.Sheet)
	if err != nil {
		return "", err
	}
	defer src.Close()
	sheet = src.Sheet()
	c, warnings, err := bind(src, input, m)
	if err != nil {
		return sheet, err
	}
	if warn != nil {
		warn(warnings, sheet)
	}
	for n := 0; ; n++ {
		if n%256 == 0 && ctx.Err() != nil {
			return sheet, ctx.Err()
		}
		row, cells, err := src.Next()
		if err == io.EOF {
			return sheet, nil
		}
		if err != nil {
			return sheet, err
		}
		if c.binding.Blank(cells) {
			continue
		}
		rec, problems := c.check(row, cells)
		if err := each(row, cells, rec, problems); err != nil {
			return sheet, err
		}
	}
}

// problemPrinter writes problems as lines that name the file, sheet, row, column, value and
// rule, up to a limit.
type problemPrinter struct {
	w       io.Writer
	file    string
	sheet   string
	max     int
	printed int
	more    int
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
		where := p.file
		if p.sheet != "" {
			where += fmt.Sprintf(" [%s]", p.sheet)
		}
		fmt.Fprintf(p.w, "%s: %v [%s]\n", where, pr, pr.Rule)
	}
}

// warnVia learns the sheet's name from the header warnings, then passes them on.
func (p *problemPrinter) warnVia(warn func([]mapping.Problem, string)) func([]mapping.Problem, string) {
	return func(problems []mapping.Problem, sheet string) {
		p.sheet = sheet
		warn(problems, sheet)
	}
}

func (p *problemPrinter) finish() {
	if p.w != nil && p.more > 0 {
		fmt.Fprintf(p.w, "... and %d more problems: see the report\n", p.more)
	}
}

// warner logs the header warnings (unknown columns, optional columns missing).
func warner(o *Options, input string) func([]mapping.Problem, string) {
	return func(problems []mapping.Problem, sheet string) {
		for _, p := range problems {
			if p.Severity == mapping.Warning {
				o.Logger.Warn(p.Message, "file", input, "sheet", sheet, "column", p.Letter)
			}
		}
	}
}

// Validate checks every row of input against m without calling the service, and writes the
// report: one line per row, valid or invalid with its problems. The error is for a file that
// cannot be read (*InputError, *HeaderError) or a report that cannot be written; invalid rows
// are counted in the summary.
func Validate(ctx context.Context, input string, m *mapping.Mapping, opts Options) (*Summary, error) {
	opts.defaults(m)
	sum := &Summary{File: input}
	rep, err := newReport(&opts, input, m)
	if err != nil {
		return sum, err
	}
	pp := &problemPrinter{w: opts.Problems, file: input, max: opts.MaxProblems}
	sheet, err := scanCells(ctx, input, m, pp.warnVia(warner(&opts, input)), func(row int, cells []string, rec *mapping.Record, problems []mapping.Problem) error {
		sum.Rows++
		r := ReportRow{Row: row, Action: ActionValid, Cells: cells, Problems: problems}
		if rec == nil {
			pp.print(problems)
			r.Action = ActionInvalid
			r.Rule, r.Error = describe(problems)
		} else {
			r.Key, r.UID = rec.Key, uidText(rec.UID)
		}
		sum.count(r.Action)
		opts.Progress(Progress{Phase: PhaseValidate, Done: sum.Rows})
		return rep.write(r)
	})
	sum.Sheet = sheet
	pp.finish()
	if err != nil {
		rep.abort()
		return sum, err
	}
	return sum, rep.close()
}

// EachRecord calls each with the record of every valid row of input, in order, and returns
// the first error reading the file; invalid rows are left out (Validate reports them).
func EachRecord(ctx context.Context, input string, m *mapping.Mapping, each func(*mapping.Record)) error {
	_, err := scan(ctx, input, m, nil, func(_ int, rec *mapping.Record, _ []mapping.Problem) error {
		if rec != nil {
			each(rec)
		}
		return nil
	})
	return err
}

package undo

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// line is one line of a plan or a report: a field of an updated company, or a company.
type line struct {
	c      *Company
	f      *Field // nil for a line about the company
	state  State
	key    string // an unknown create's key
	rows   []int
	errMsg string
}

// lines lists the plan, a line per field of an updated company and per other company, then the
// unknown creates.
func (p *Plan) lines() []line {
	var out []line
	for _, c := range p.Companies {
		if c.State != "" && c.State != Failed && c.State != NotDone || len(c.Fields) == 0 {
			out = append(out, line{c: c, state: c.State, rows: c.Rows, errMsg: c.Err})
			continue
		}
		for i := range c.Fields {
			f := &c.Fields[i]
			st := f.State
			if (c.State == Failed || c.State == NotDone) && st == Restore {
				st = c.State // the restore did not happen
			}
			out = append(out, line{c: c, f: f, state: st, rows: c.Rows, errMsg: c.Err})
		}
	}
	for _, e := range p.Unknown {
		out = append(out, line{state: Unknown, key: e.Key, rows: []int{e.Row}})
	}
	return out
}

// Print writes the plan for people, in l: a line per field and per company (at most max lines,
// 0 for all, then how many more), then the counts. After Apply it says what was done.
func (p *Plan) Print(w io.Writer, l lang.Lang, maxLines int) {
	lines := p.lines()
	for i, ln := range lines {
		if maxLines > 0 && i == maxLines {
			fmt.Fprintf(w, l.Pick("……还有 %d 行（完整的计划见报告，或用 --dry-run）\n", "... and %d more lines (the report has them all, or use --dry-run)\n"), len(lines)-maxLines)
			break
		}
		fmt.Fprintf(w, "  %s  %s\n", l.UndoState(string(ln.state), !p.Applied), ln.text(l))
	}
	fmt.Fprintln(w, p.Totals(l))
}

// text is a line's company and field, for people.
func (ln line) text(l lang.Lang) string {
	var b strings.Builder
	if ln.c == nil {
		fmt.Fprintf(&b, l.Pick("第 %s 行 %s", "row %s %s"), rowsText(ln.rows), ln.key)
		return b.String()
	}
	fmt.Fprintf(&b, "%d %s", ln.c.UID, ln.c.Name)
	fmt.Fprintf(&b, l.Pick("（第 %s 行）", " (row %s)"), rowsText(ln.rows))
	if ln.f != nil && ln.f.State != NotKept {
		show := func(v string) string { return cmp.Or(v, l.Empty()) }
		name := cmp.Or(ln.f.Header, ln.f.Field)
		switch ln.f.State {
		case Conflict:
			fmt.Fprintf(&b, l.Pick(" %s：现在是 %s，导入写入的是 %s，导入前是 %s", " %s: now %s, the import wrote %s, before it %s"),
				name, show(ln.f.Now.String()), show(ln.f.Written.String()), show(ln.f.Old.String()))
		case AlreadyRestored:
			fmt.Fprintf(&b, l.Pick(" %s：%s", " %s: %s"), name, show(ln.f.Old.String()))
		default:
			fmt.Fprintf(&b, l.Pick(" %s：%s → %s", " %s: %s → %s"), name, show(ln.f.Now.String()), show(ln.f.Old.String()))
		}
	} else if ln.f != nil {
		fmt.Fprintf(&b, " %s", cmp.Or(ln.f.Header, ln.f.Field))
	}
	if ln.errMsg != "" {
		fmt.Fprintf(&b, ": %s", ln.errMsg)
	}
	return b.String()
}

func rowsText(rows []int) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = strconv.Itoa(r)
	}
	return strings.Join(parts, ", ")
}

// States lists every state in the order counts show them: the fields' and the companies'
// that go as planned first, then what is left for a person.
func States() []State {
	return []State{Restore, Delete, AlreadyRestored, AlreadyDeleted, Conflict, NotKept, NotFound, Failed, NotDone, Unknown}
}

// Totals is the line of counts that ends a plan.
func (p *Plan) Totals(l lang.Lang) string {
	n := p.Tally()
	var parts []string
	for _, s := range States() {
		if n[s] == 0 {
			continue
		}
		unit := [3]string{"家公司", "company", "companies"}
		switch s {
		case Restore, AlreadyRestored, Conflict, NotKept:
			unit = [3]string{"个字段", "field", "fields"}
		case Unknown:
			unit = [3]string{"行", "row", "rows"}
		}
		en := unit[2]
		if n[s] == 1 {
			en = unit[1]
		}
		parts = append(parts, fmt.Sprintf("%s %d %s", l.UndoCount(string(s), !p.Applied), n[s], l.Pick(unit[0], en)))
	}
	head := l.Pick("撤销计划：", "undo plan: ")
	if p.Applied {
		head = l.Pick("撤销结果：", "undo result: ")
	}
	if len(parts) == 0 {
		return head + l.Pick("导入记录里没有要撤销的新建或更新", "the journal has no create or update to undo")
	}
	return head + strings.Join(parts, l.Pick("，", ", "))
}

// WriteReport writes the plan, or after Apply what was done, to path as CSV (UTF-8 with a BOM,
// so that Excel reads the Chinese): a line per field of an updated company and per other
// company, in l. The file appears only when complete.
func (p *Plan) WriteReport(path string, l lang.Lang) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := p.writeCSV(f, l); err != nil {
		f.Abort()
		return fmt.Errorf("report %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

func (p *Plan) writeCSV(w io.Writer, l lang.Lang) error {
	if _, err := w.Write([]byte("\uFEFF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(l.UndoReportHeader()); err != nil {
		return err
	}
	esc := mapping.EscapeFormula // names and values come from people's sheets
	for _, ln := range p.lines() {
		rec := make([]string, 9)
		rec[2] = rowsText(ln.rows)
		rec[7] = l.UndoState(string(ln.state), !p.Applied)
		rec[8] = esc(ln.errMsg)
		switch {
		case ln.c == nil:
			rec[1] = esc(ln.key)
		default:
			rec[0], rec[1] = strconv.FormatInt(ln.c.UID, 10), esc(ln.c.Name)
		}
		if ln.f != nil {
			rec[3] = esc(cmp.Or(ln.f.Header, ln.f.Field))
			if ln.f.State != NotKept {
				rec[4], rec[5], rec[6] = esc(ln.f.Old.String()), esc(ln.f.Written.String()), esc(ln.f.Now.String())
			}
		} else if ln.c != nil && ln.c.Created {
			rec[3] = l.Pick("状态", "status") // what the delete changes
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

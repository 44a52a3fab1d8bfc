package importer

import (
	"fmt"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// describe adds to row its plan text (lang.PlanText): the company the row names, what an
// update changes (old -> new) or a create sends, the values kept, the asset.
func (r *run) describe(t task, row report.Row) report.Row {
	p := lang.PlanRow{Row: row.Row, Action: string(row.Action), UID: row.UID, Key: t.rec.Key,
		KeyHeader: r.keyHeader(), Kept: t.kept, Error: row.Error, Note: row.Note}
	if t.rec.Key != "" && t.rec.Key == row.UID {
		p.Key = "" // matched by uId: said once
	}
	switch {
	case t.rec.Input.CompanyName != nil && *t.rec.Input.CompanyName != "":
		p.Name = *t.rec.Input.CompanyName
	case t.target != nil:
		p.Name = t.target.CompanyName
	}
	switch row.Action {
	case report.ActionCreate, report.ActionCreated:
		if t.target == nil {
			p.Changes = t.rec.Diff(&bangwo8.Company{}) // what the create sends
		}
	default:
		p.Changes = t.changes
	}
	switch {
	case t.noOwner:
		p.Asset = r.opts.Lang.NoOwnerYet()
	case strings.HasPrefix(t.asset, "no asset"):
		p.Asset = r.opts.Lang.Pick("无", "none") + strings.TrimPrefix(t.asset, "no asset")
	default:
		p.Asset = t.asset
	}
	row.Plan = r.opts.Lang.PlanText(p)
	return row
}

// tallyPlan counts the fields a planned row clears and the mangled values it keeps, and
// lists both where problems go (with -v or without): a clear loses a value, and a kept value
// needs a fix in the sheet.
func (r *run) tallyPlan(row int, t task) {
	for _, c := range t.changes {
		if c.Clear {
			r.sum.Cleared++
			r.pp.warn(fmt.Sprintf(r.opts.Lang.Pick("第 %d 行 %s：清空（原值 %s）", "row %d, %s: cleared (was %s)"), row, c.Header, c.Old))
		}
	}
	r.sum.Kept += len(t.kept)
	for _, k := range t.kept {
		r.pp.warn(fmt.Sprintf(r.opts.Lang.Pick("第 %d 行 %s：%s", "row %d, %s: %s"), row, k.Header, r.opts.Lang.KeptText(k)))
	}
}

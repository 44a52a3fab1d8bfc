package lang

import (
	"fmt"
	"strings"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// PlanRow is one row of an import's plan (or of what a run did), as people read it: the
// company it names, and what changes.
type PlanRow struct {
	Row    int
	Action string // a report action: create, update, unchanged, created, updated, failed
	Name   string // the company's name: the row's, else the company's
	// KeyHeader and Key are the match column's header and the row's key ("" for none).
	KeyHeader, Key string
	UID            string // the company's id; "" for a create
	// Changes are the fields an update changes (old -> new), or the values a create sends
	// (Old empty).
	Changes []mapping.Change
	Kept    []mapping.Kept // cells a spreadsheet program mangled: the company's values stay
	Asset   string         // import --assets: what the asset table gave the row ("" for nothing to say)
	Error   string         // a failed write
	Note    string
}

// PlanText is a plan row: a line naming the company and the action, then one indented line
// per field ("客户级别：重要 → 战略"), per kept value, and the asset.
func (l Lang) PlanText(p PlanRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, l.Pick("第 %d 行：%s", "row %d: %s"), p.Row, l.planVerb(p.Action))
	if p.Name != "" {
		b.WriteString(" " + p.Name)
	}
	var ids []string
	if p.Key != "" && p.KeyHeader != "" {
		ids = append(ids, p.KeyHeader+" "+p.Key)
	}
	if p.UID != "" {
		ids = append(ids, l.Pick("公司ID ", "uId ")+p.UID)
	}
	if len(ids) > 0 {
		b.WriteString(l.Pick("（"+strings.Join(ids, "，")+"）", " ("+strings.Join(ids, ", ")+")"))
	}
	create := p.Action == "create" || p.Action == "created"
	for _, c := range p.Changes {
		b.WriteString("\n    " + c.Header + l.Pick("：", ": "))
		switch {
		case create:
			b.WriteString(l.shownValue(c.New, false))
		default:
			b.WriteString(l.shownValue(c.Old, false) + " → " + l.shownValue(c.New, c.Clear))
		}
	}
	for _, k := range p.Kept {
		b.WriteString("\n    " + k.Header + l.Pick("：", ": ") + l.KeptText(k))
	}
	if p.Asset != "" {
		b.WriteString("\n    " + l.Pick("资产：", "asset: ") + p.Asset)
	}
	if p.Error != "" {
		b.WriteString("\n    " + l.Pick("错误：", "error: ") + p.Error)
	}
	if p.Note != "" {
		b.WriteString("\n    " + p.Note)
	}
	return b.String()
}

// planVerb is the plan's word for an action.
func (l Lang) planVerb(action string) string {
	words := map[string][2]string{
		"create":    {"新建", "create"},
		"update":    {"更新", "update"},
		"unchanged": {"无变化", "unchanged"},
		"created":   {"已新建", "created"},
		"updated":   {"已更新", "updated"},
		"failed":    {"失败", "failed"},
	}
	if w, ok := words[action]; ok {
		return l.Pick(w[0], w[1])
	}
	return action
}

// shownValue is a value in the plan: empty is （空）, a clear is （清空）.
func (l Lang) shownValue(v string, clear bool) string {
	switch {
	case clear:
		return l.Pick("（清空）", "(cleared)")
	case v == "":
		return l.Pick("（空）", "(empty)")
	}
	return v
}

// KeptText says why a mangled cell is not written and how to avoid it.
func (l Lang) KeptText(k mapping.Kept) string {
	var how string
	switch k.How {
	case mapping.LostZeros:
		how = l.Pick("表格程序去掉了前导零", "a spreadsheet program dropped its leading zeros")
	case mapping.Scientific:
		how = l.Pick("表格程序把它写成了科学计数法", "a spreadsheet program wrote it in scientific notation")
	default:
		how = l.Pick("表格程序在后面加了 .0", "a spreadsheet program added .0")
	}
	return fmt.Sprintf(l.Pick("保留原值 %s，不写入 %s（%s；把这一列设置成“文本”格式再填写）",
		"kept %s, not written %s (%s; format the column as text before filling it in)"), k.Current, k.Cell, how)
}

// KeyConflict is the message of a row whose uId and match key name two companies.
func (l Lang) KeyConflict(keyHeader, key, otherName string, otherUID int64, uid int64, name string) string {
	return fmt.Sprintf(l.Pick("%s %s 属于 %s (%d)，但这一行的公司ID是 %d (%s)",
		"%s %s belongs to %s (%d), but the row's uId is %d (%s)"), keyHeader, key, otherName, otherUID, uid, name)
}

// NoUID is the message of a row whose uId no company has.
func (l Lang) NoUID(uid int64) string {
	return fmt.Sprintf(l.Pick("没有公司ID为 %d 的公司（公司ID留空才会新建）", "no company has uId %d (an empty uId creates one)"), uid)
}

// MangledKey is the message of a row whose key finds no company but is what a spreadsheet
// program makes of another company's key.
func (l Lang) MangledKey(keyHeader, key, current, name string, uid int64) string {
	return fmt.Sprintf(l.Pick("%s %s 找不到公司，但 %s (%d) 的%s是 %s：表格程序改了这个值。不会新建；把这一列设置成“文本”格式，填 %s 再导入",
		"%s %s finds no company, but %s (%d) has %s %s: a spreadsheet program changed the value. Not created; format the column as text, write %s and import again"),
		keyHeader, key, name, uid, keyHeader, current, current)
}

// NoOwnerYet is the asset note of a new row: the owner placeholder is its company id, which
// it does not have yet.
func (l Lang) NoOwnerYet() string {
	return l.Pick("无：新公司还没有公司ID，没有属于它的资产", "none: a new company has no uId yet, so no asset is its own")
}

// PlanCounts are the totals a plan ends with.
type PlanCounts struct {
	Mode                                                string
	Create, Update, Unchanged, Invalid, Skipped, Clears int
	Kept                                                int // mangled cells whose values are kept
	// Lookups are the calls that find the existing companies (a dry run counts its own: the
	// real run makes them again).
	Lookups int
	// RPS is the calls per second the run may send (--rps); 0 when unknown.
	RPS float64
}

// PlanSummary is the last line of a plan: the counts, the fields to clear, and how long the
// writes take at RPS.
func (l Lang) PlanSummary(c PlanCounts) string {
	s := fmt.Sprintf(l.Pick("计划（%s）：新建 %d，更新 %d，无变化 %d，有错误 %d，未写入 %d；清空 %d 个字段",
		"plan (%s): %d to create, %d to update, %d unchanged, %d invalid, %d skipped; fields to clear: %d"),
		c.Mode, c.Create, c.Update, c.Unchanged, c.Invalid, c.Skipped, c.Clears)
	if c.Kept > 0 {
		s += fmt.Sprintf(l.Pick("；保留 %d 个被表格程序改过的值（见上面的警告）", "; values mangled by a spreadsheet program, kept: %d (see the warnings above)"), c.Kept)
	}
	if writes := c.Create + c.Update; c.RPS > 0 {
		d := time.Duration(float64(writes+c.Lookups) / c.RPS * float64(time.Second)).Round(time.Second)
		args := append([]any{writes, c.Lookups}, l.pickArgs(c.RPS, d)...)
		s += fmt.Sprintf(l.Pick("。%d 次写入和 %d 次查找，按 --rps %g 约需 %s", ". %d writes and %d lookups take about %s at --rps %g"), args...)
	}
	return s
}

// pickArgs orders the rate and the duration as each language's sentence names them.
func (l Lang) pickArgs(rps float64, d time.Duration) []any {
	if l == English {
		return []any{durationText(l, d), rps}
	}
	return []any{rps, durationText(l, d)}
}

// durationText is a duration in whole seconds, minutes and hours, as people say it.
func durationText(l Lang, d time.Duration) string {
	if d < time.Second {
		return l.Pick("不到 1 秒", "under a second")
	}
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	var parts []string
	if h > 0 {
		parts = append(parts, fmt.Sprintf(l.Pick("%d 小时", "%dh"), h))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf(l.Pick("%d 分", "%dm"), m))
	}
	if s > 0 {
		parts = append(parts, fmt.Sprintf(l.Pick("%d 秒", "%ds"), s))
	}
	return strings.Join(parts, l.Pick(" ", ""))
}

package lang

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// typeText is what a person is told about a column of each type: its name, how to write a
// value, and an example.
var typeText = map[mapping.Type]struct{ zh, en, zhHow, enHow string }{
	mapping.TypeText:     {"文本", "text", "", ""},
	mapping.TypeInt:      {"整数", "whole number", "例如 3", "e.g. 3"},
	mapping.TypeDecimal:  {"数字", "number", "例如 1234.50，不带单位", "e.g. 1234.50, no unit"},
	mapping.TypeDate:     {"日期", "date", "例如 2017-01-01（也可写 2017/1/1 或 2017年1月1日）", "e.g. 2017-01-01 (2017/1/1 works too)"},
	mapping.TypeDateTime: {"日期时间", "date and time", "例如 2018-02-03 13:05:00", "e.g. 2018-02-03 13:05:00"},
	mapping.TypeEnum:     {"下拉选择", "choice", "从下拉列表中选", "pick from the dropdown"},
	mapping.TypeList:     {"列表", "list", "多个值用逗号分隔，例如 甲,乙（也可用 ， 或 、）", "several values separated by commas, e.g. a,b"},
	mapping.TypeCascade:  {"级联", "cascade", "各级用 / 分隔，例如 北京市/朝阳区", "one level after another, separated by /, e.g. 北京市/朝阳区"},
	mapping.TypeURL:      {"网址", "web address", "例如 https://www.example.com", "e.g. https://www.example.com"},
	mapping.TypeEmail:    {"邮箱", "email", "例如 name@example.com", "e.g. name@example.com"},
	mapping.TypeCheckbox: {"是/否", "yes/no", "填 是 或 否", "是 (yes) or 否 (no)"},
}

// TypeName names a column type for people.
func (l Lang) TypeName(t mapping.Type) string {
	tt, ok := typeText[t]
	if !ok {
		return string(t)
	}
	return l.Pick(tt.zh, tt.en)
}

// Choices returns the values a person may pick in column c (enum labels, a checkbox's 是/否,
// a text or list column's allowed values), or nil when any value goes.
func Choices(c *mapping.Column) []string {
	switch {
	case c.Type == mapping.TypeEnum:
		labels := make([]string, len(c.Enum))
		for i, e := range c.Enum {
			labels[i] = e.Label
			if labels[i] == "" {
				labels[i] = e.Value
			}
		}
		return labels
	case c.Type == mapping.TypeCheckbox:
		return []string{mapping.CheckboxYes, mapping.CheckboxNo}
	}
	return c.Values
}

// ColumnNote is the note on a template's header cell: the column's type and how to write a
// value, whether it is required, its allowed values and limits. The mapping's note, when
// there is one, replaces the type's how-to line and comes first; the rules are always shown,
// since they are enforced whatever the note says.
func (l Lang) ColumnNote(c *mapping.Column) string {
	var lines []string
	if c.Note != "" {
		lines = append(lines, c.Note)
	}
	kind := l.Pick("类型：", "Type: ") + l.TypeName(c.Type)
	if c.Is(field.UID) {
		kind = l.Pick("公司ID：留空表示新建；填写则更新这家公司（即使关键列的值不同）", "Company id: empty creates a company; an id updates that company, whatever the key column says")
	}
	lines = append(lines, kind)
	if how := typeText[c.Type]; c.Note == "" && how.zhHow != "" && !c.Is(field.UID) {
		lines = append(lines, l.Pick(how.zhHow, how.enHow))
	}
	if c.Required {
		lines = append(lines, l.Pick("必填", "Required"))
	}
	if choices := Choices(c); len(choices) > 0 && c.Type != mapping.TypeCheckbox {
		lines = append(lines, l.Pick("可选：", "Allowed: ")+joinShort(choices, 20))
	}
	if c.MaxLength > 0 {
		lines = append(lines, fmt.Sprintf(l.Pick("最多 %d 个字", "At most %d characters"), c.MaxLength))
	}
	if c.Pattern != nil {
		if words, ok := l.PatternWords(c.Pattern.String()); ok {
			lines = append(lines, l.Pick("只能包含", "Only ")+words+l.Pick("", " allowed"))
		} else {
			lines = append(lines, l.Pick("格式：", "Format: ")+patternText(c.Pattern.String()))
		}
	}
	if c.HasDefault {
		lines = append(lines, l.Pick("留空时默认：", "Empty means: ")+c.Default)
	}
	if line := l.EmptyRule(c); line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// EmptyRule says what an empty cell and the clear marker do in column c on import; "" for
// the company id, which the uId line explains.
func (l Lang) EmptyRule(c *mapping.Column) string {
	switch {
	case c.Is(field.UID):
		return ""
	case c.Is(field.Status):
		return l.Pick("留空则保持原值不变", "Empty keeps the current value")
	case c.Required:
		return l.Pick("不能清空", "Cannot be cleared")
	case c.ClearEmpty:
		return l.Pick("留空会清空原值", "Empty clears the current value")
	}
	return fmt.Sprintf(l.Pick("留空则保持原值不变；要清空原值请填 %s", "Empty keeps the current value; write %s to clear it"),
		l.Pick(mapping.ClearMarker, mapping.ClearMarkerEnglish))
}

// ImportRules are the rules of an import that apply to every column, for the notes a
// template and a report carry, one per line.
func (l Lang) ImportRules() []string {
	return []string{
		l.Pick("公司ID：填了公司ID的行更新这家公司（即使关键列的值不同）；留空的行按关键列查找，找不到就新建。",
			"Company id (uId): a row with a uId updates that company, whatever its key column says; a row without one is found by its key, and created when the key finds none."),
		l.Pick("关键列的值属于另一家公司、和公司ID对不上时，这一行不会写入，说明里会写出两家公司。",
			"When the key belongs to another company than the row's uId, the row is not written; the message names both companies."),
		fmt.Sprintf(l.Pick("空单元格不会改动公司现有的值。要清空某个值，请在单元格里填 %s（也可以写 %s）。",
			"An empty cell leaves the company's value as it is. To clear a value, write %s (or %s) in its cell."),
			l.Pick(mapping.ClearMarker, mapping.ClearMarkerEnglish), l.Pick(mapping.ClearMarkerEnglish, mapping.ClearMarker)),
		l.Pick("账号、编号等文本列请设置成“文本”格式：表格程序会把 00123 变成 123、把长数字变成 1.23E+11。这样被改过的值不会写入，公司保留原值；找不到公司时不会新建。",
			"Format accounts, codes and other text columns as text: spreadsheet programs turn 00123 into 123 and long numbers into 1.23E+11. Such values are not written (the company keeps its own), and do not create a company."),
		l.Pick("先用 --dry-run -v 看计划：每一行写出公司、旧值 → 新值，最后是合计和预计用时。",
			"Run with --dry-run -v first: the plan names each company with old → new values, and ends with the counts and the time it will take."),
	}
}

// patternText shows a column's pattern without the anchors the mapping adds.
func patternText(p string) string {
	p = strings.TrimPrefix(p, "^(?:")
	return strings.TrimSuffix(p, ")$")
}

// joinShort lists at most max values, then says how many more there are.
func joinShort(values []string, max int) string {
	if len(values) <= max {
		return strings.Join(values, "、")
	}
	return fmt.Sprintf("%s … (+%d)", strings.Join(values[:max], "、"), len(values)-max)
}

// alsoInRowRE finds the earlier row in the importer's duplicate-key message.
var alsoInRowRE = regexp.MustCompile(`is also in row (\d+)`)

// repeatsRowRE finds the earlier row in the importer's duplicate-row message.
var repeatsRowRE = regexp.MustCompile(`repeats row (\d+) exactly`)

// Explain says, for a report comment, what is wrong with a cell and what would be right. c is
// the problem's column (nil when unknown).
func (l Lang) Explain(p mapping.Problem, c *mapping.Column) string {
	v := p.Value
	allowed := func() string {
		if c == nil {
			return ""
		}
		if choices := Choices(c); len(choices) > 0 {
			return l.Pick("可选：", "Allowed: ") + joinShort(choices, 20) + l.Pick("。", ".")
		}
		return ""
	}
	how := func(t mapping.Type) string {
		return l.Pick(typeText[t].zhHow, typeText[t].enHow)
	}
	switch p.Rule {
	case mapping.RuleRequired:
		return l.Pick("必填，不能为空。", "Required: the cell must not be empty.")
	case mapping.RuleDate, mapping.RuleDateTime:
		if p.Message == mapping.ErrBareNumber.Error() {
			return fmt.Sprintf(l.Pick("「%s」是一个数字，不是日期：请写成 2024-03-05（或把单元格设成日期格式）。",
				"%q is a bare number, not a date: write it as 2024-03-05 (or give the cell a date format)."), v)
		}
		t := mapping.Type(p.Rule)
		return fmt.Sprintf(l.Pick("「%s」不是有效的%s。正确的写法：%s。", "%q is not a valid %s. Write it like this: %s."), v, l.TypeName(t), how(t))
	case mapping.RuleInt, mapping.RuleDecimal, mapping.RuleCascade,
		mapping.RuleURL, mapping.RuleEmail, mapping.RuleCheckbox:
		t := mapping.Type(p.Rule)
		return fmt.Sprintf(l.Pick("「%s」不是有效的%s。正确的写法：%s。", "%q is not a valid %s. Write it like this: %s."), v, l.TypeName(t), how(t))
	case mapping.RuleEnum, mapping.RuleValues, mapping.RuleList:
		return fmt.Sprintf(l.Pick("「%s」不在可选值里。", "%q is not one of the allowed values. "), v) + allowed()
	case mapping.RuleMaxLength:
		if c != nil {
			return fmt.Sprintf(l.Pick("太长：最多 %d 个字。", "Too long: at most %d characters."), c.MaxLength)
		}
	case mapping.RulePattern:
		if c != nil && c.Pattern != nil {
			msg := fmt.Sprintf(l.Pick("「%s」格式不对，应符合 %s（例如不能有空格或中文）。", "%q has the wrong form: it must match %s (no spaces, for example)."), v, patternText(c.Pattern.String()))
			if words, ok := l.PatternWords(c.Pattern.String()); ok {
				msg = fmt.Sprintf(l.Pick("「%s」格式不对：只能包含%s（不能有空格或中文）。", "%q has the wrong form: only %s are allowed (no spaces)."), v, words)
			}
			if _, _, sci := mapping.ScientificForm(v); sci {
				msg += l.Pick("它像是表格程序写成科学计数法的长数字：把这一列设置成“文本”格式，重新填写原来的值。",
					" It looks like a long number a spreadsheet program wrote in scientific notation: format the column as text and type the value again.")
			}
			return msg
		}
	case "duplicate_key":
		if m := alsoInRowRE.FindStringSubmatch(p.Message); m != nil {
			return fmt.Sprintf(l.Pick("「%s」与第 %s 行重复：一家公司只能由一行写入。请删掉或改掉其中一行。",
				"%q repeats row %s: one company can be written by one row only. Remove or change one of them."), v, m[1])
		}
		return fmt.Sprintf(l.Pick("「%s」与上面某一行重复：一家公司只能由一行写入。请删掉或改掉其中一行。",
			"%q repeats an earlier row: one company can be written by one row only. Remove or change one of them."), v)
	case "duplicate_row":
		if m := repeatsRowRE.FindStringSubmatch(p.Message); m != nil {
			return fmt.Sprintf(l.Pick("这一行与第 %s 行完全相同：会多建一家公司。请删掉它；如果两行确实都要，在映射文件里加上 duplicates: allow。",
				"The row repeats row %s exactly: it would make a second company. Remove it, or add duplicates: allow to the mapping if both are wanted."), m[1])
		}
	case "cell_length":
		return l.Pick("单元格太长：一个单元格最多 32767 个字（", "") + p.Message + l.Pick("）。", "")
	case "control_character":
		return l.Pick("含有看不见的控制字符，请删掉（", "") + p.Message + l.Pick("）。", "")
	case "extra_cell":
		return l.Pick("这一行比表头多出一格：值里可能有没加引号的逗号（", "") + p.Message + l.Pick("）。", "")
	case "match":
		return l.Pick("按这一行的关键列找不到对应的公司，或者找到了多家。详情：", "The row's key finds no company, or several. Details: ") + p.Message
	}
	return p.Message
}

// statusWords are the words of report.Action values, Chinese and English.
var statusWords = map[string][2]string{
	"valid":     {"正确", "valid"},
	"invalid":   {"有错误", "invalid"},
	"created":   {"已新建", "created"},
	"updated":   {"已更新", "updated"},
	"unchanged": {"无变化", "unchanged"},
	"failed":    {"失败", "failed"},
	"skipped":   {"未写入", "skipped"},
	"done":      {"此前已完成", "done earlier"},
	"create":    {"将新建", "to create"},
	"update":    {"将更新", "to update"},
}

// Status is the word a report shows for what happened to a row (report.Action values).
func (l Lang) Status(action string) string {
	if w, ok := statusWords[action]; ok {
		return l.Pick(w[0], w[1])
	}
	return action
}

// ActionOf reads a status word of either language back as its report.Action value, for a
// program that reads a report.
func ActionOf(word string) (string, bool) {
	for action, w := range statusWords {
		if word == w[0] || word == w[1] || word == action {
			return action, true
		}
	}
	return "", false
}

// Report column headers: the columns a report workbook adds after the input's. They must not
// be headers a mapping uses, so that the report imports as it is (the importer ignores them).
func (l Lang) ReportStatusHeader() string  { return l.Pick("【处理结果】", "[result]") }
func (l Lang) ReportProblemHeader() string { return l.Pick("【问题说明】", "[problems]") }
func (l Lang) ReportRowHeader() string     { return l.Pick("【原行号】", "[input row]") }

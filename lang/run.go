package lang

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// The notes an import puts beside a row in its report.

// NoteDoneEarlier: a row an earlier run of the same journal finished; action is what it did
// (report.Action: created, updated).
func (l Lang) NoteDoneEarlier(action string) string {
	return fmt.Sprintf(l.Pick("上次运行已完成（%s），这次不再写入（见导入记录 --journal）", "%s by an earlier run (journal): not written again"), l.Status(action))
}

// NoteFoundCreated: the create of a row that an interrupted run sent was found done.
func (l Lang) NoteFoundCreated() string {
	return l.Pick("已找到：上次中断的运行已新建了这家公司", "found: created by an interrupted run")
}

// NoteFoundAfterLostAnswer: a create whose answer was lost was found done.
func (l Lang) NoteFoundAfterLostAnswer() string {
	return l.Pick("已找到：新建的回应丢失，但公司已经建好", "found after a lost answer")
}

// NoteRunStopped: a row not written because the run was stopped (Ctrl-C, a fatal error).
func (l Lang) NoteRunStopped() string {
	return l.Pick("未写入：运行被中止；用同一条命令再运行一次即可继续", "not written: the run stopped")
}

// NoteBlocked: a valid row not written because n rows of the file are invalid.
func (l Lang) NoteBlocked(n int) string {
	return fmt.Sprintf(l.Pick("未写入：文件中有 %d 行有错误，改好后重新导入（或加 --skip-invalid 只写入正确的行）",
		"not written: %d rows are invalid (fix them, or use --skip-invalid)"), n)
}

// CSVReportHeader names the columns of a CSV report, in its order: row, action, uId, key,
// changed, rule, error, note, asset, plan.
func (l Lang) CSVReportHeader() []string {
	if l == English {
		return []string{"row", "action", "uId", "key", "changed", "rule", "error", "note", "asset", "plan"}
	}
	return []string{"行号", "处理结果", "公司ID", "匹配值", "修改的字段", "规则", "问题说明", "备注", "资产", "变更明细"}
}

// ProblemLine is a problem as a terminal line for people: where it is (file, sheet, row,
// column and header) and what is wrong, in words (Explain). c is the problem's column, nil
// when unknown.
func (l Lang) ProblemLine(file, sheet string, p mapping.Problem, c *mapping.Column) string {
	var b strings.Builder
	b.WriteString(file)
	if sheet != "" {
		fmt.Fprintf(&b, " [%s]", sheet)
	}
	if l == English {
		fmt.Fprintf(&b, ": %v [%s]", p, p.Rule)
		return b.String()
	}
	fmt.Fprintf(&b, "：第 %d 行", p.Row)
	if p.Letter != "" {
		fmt.Fprintf(&b, " %s 列", p.Letter)
	}
	if p.Header != "" {
		fmt.Fprintf(&b, "（%s）", p.Header)
	}
	fmt.Fprintf(&b, "：%s [%s]", l.Explain(p, c), p.Rule)
	return b.String()
}

// classRE is a pattern of one character class repeated: [A-Za-z0-9_.@-]+.
var classRE = regexp.MustCompile(`^\[([^\]^]+)\][+*]$`)

// PatternWords says in words what a pattern of one character class allows ("字母、数字和 _ .
// @ -"); ok is false for any other pattern, which is then shown as it is.
func (l Lang) PatternWords(pattern string) (string, bool) {
	m := classRE.FindStringSubmatch(patternText(pattern))
	if m == nil {
		return "", false
	}
	ranges := map[string][2]string{"A-Z": {"大写字母", "capital letters"}, "a-z": {"小写字母", "small letters"},
		"0-9": {"数字", "digits"}, `\d`: {"数字", "digits"}, `\w`: {"字母、数字、_", "letters, digits, _"}}
	var kinds, chars []string
	for class := m[1]; class != ""; {
		if len(class) >= 2 {
			if w, ok := ranges[class[:min(3, len(class))]]; ok && len(class) >= 3 && class[1] == '-' {
				kinds, class = append(kinds, w[0]), class[3:]
				continue
			}
			if w, ok := ranges[class[:2]]; ok {
				kinds, class = append(kinds, w[0]), class[2:]
				continue
			}
		}
		c := class[0]
		if c == '\\' && len(class) >= 2 {
			c, class = class[1], class[1:]
		} else if c == '-' && len(class) > 1 && len(chars)+len(kinds) > 0 {
			return "", false // a range this does not read
		}
		if c < 0x21 || c > 0x7e {
			return "", false
		}
		chars, class = append(chars, string(c)), class[1:]
	}
	if l == English {
		for i, k := range kinds {
			for _, w := range ranges {
				if w[0] == k {
					kinds[i] = w[1]
				}
			}
		}
	}
	if len(kinds) >= 2 && kinds[0] == l.Pick("大写字母", "capital letters") && kinds[1] == l.Pick("小写字母", "small letters") {
		kinds = append([]string{l.Pick("字母", "letters")}, kinds[2:]...)
	}
	words := strings.Join(kinds, l.Pick("、", ", "))
	switch {
	case len(chars) == 0:
	case words == "":
		words = strings.Join(chars, " ")
	default:
		words += l.Pick("和 ", " and ") + strings.Join(chars, " ")
	}
	return words, words != ""
}

// HeaderProblems says, for a header row the mapping cannot read, what is missing or doubled
// and which header is almost right, then what the row holds (header, at row headerRow). In
// English it is "" : the importer's error says it.
func (l Lang) HeaderProblems(problems []mapping.Problem, header []string, headerRow int) string {
	if l == English {
		return ""
	}
	var parts []string
	for _, p := range problems {
		if p.Severity != mapping.Error {
			continue
		}
		var s string
		switch p.Rule {
		case mapping.RuleMissingColumn:
			s = fmt.Sprintf("缺少列「%s」", p.Header)
			if p.Suggestion != "" {
				if i := slices.Index(header, p.Suggestion); i >= 0 {
					s += fmt.Sprintf("，是不是第 %s 列的「%s」？表头要和映射文件写得一模一样", mapping.ColumnLetter(i), strings.TrimSpace(p.Suggestion))
				}
			}
		case mapping.RuleDuplicateHeader:
			s = fmt.Sprintf("表头「%s」出现了两次（%s）", strings.TrimSpace(p.Value), p.Message)
		default:
			s = p.Message
		}
		parts = append(parts, s)
	}
	var cells []string
	for i, h := range header {
		if h = strings.TrimSpace(h); h != "" {
			cells = append(cells, mapping.ColumnLetter(i)+" "+h)
		}
	}
	return fmt.Sprintf("表头（第 %d 行）不对：%s。这一行是：%s", headerRow, strings.Join(parts, "；"), joinShort(cells, 30))
}

// HeaderWarning says a warning about the header row (Bind's, or the sheet the importer
// chose: rule sheet_choice, whose Value is the sheet the mapping names and Header the one
// read) in l; English is the problem's own message.
func (l Lang) HeaderWarning(p mapping.Problem) string {
	if l == English {
		return p.Message
	}
	switch {
	case p.Rule == "sheet_choice" && p.Value != "":
		return fmt.Sprintf("没有工作表「%s」：读的是唯一可见的工作表「%s」", p.Value, p.Header)
	case p.Rule == "sheet_choice":
		return fmt.Sprintf("读的是工作表「%s」：第一个表头和映射文件对得上的可见工作表", p.Header)
	case p.Rule == mapping.RuleMissingColumn:
		return fmt.Sprintf("缺少列「%s」：这一列的字段保持原值不变", p.Header)
	}
	return p.Message
}

// UnknownColumns says, in one line, that n columns of the sheet are not in the mapping and
// are ignored; list names them (letter and header).
func (l Lang) UnknownColumns(n int, list string) string {
	return fmt.Sprintf(l.Pick("有 %d 列不在映射文件里，已忽略：%s", "columns not in the mapping, ignored (%d): %s"), n, list)
}

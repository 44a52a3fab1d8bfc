package mapping

import (
	"fmt"
	"strings"
)

// ReadOptions describe the spreadsheet being imported.
type ReadOptions struct {
	// DateSystem of the workbook, for date cells read as Excel serials (CSV: Date1900).
	DateSystem DateSystem
	// HeaderRow is the sheet row number of the header, for messages; 0 means 1.
	HeaderRow int
}

// Binding ties the columns of one spreadsheet to the columns of a mapping, after its header
// row was read. It is read-only once built and safe for concurrent use.
type Binding struct {
	mapping *Mapping
	opts    ReadOptions
	cols    []boundColumn // in mapping order, only the columns the sheet has
}

type boundColumn struct {
	col   *Column
	index int // 0-based index in the sheet row
}

// normalizeHeader makes the headers people type comparable: surrounding white space (full-width
// too) and byte order marks go, full-width letters and brackets become ASCII, and runs of
// white space inside become one space.
func normalizeHeader(h string) string {
	h = strings.ReplaceAll(h, "\uFEFF", "")
	h = strings.ReplaceAll(h, "\u200B", "")
	return strings.Join(strings.Fields(foldWidth(h)), " ")
}

// Bind reads the header row of a sheet. Columns the mapping does not know are ignored and
// reported as warnings; a missing required or match column, or a mapped header that appears
// twice, is an error. The binding is nil when there is any error.
func (m *Mapping) Bind(header []string, opts ReadOptions) (*Binding, []Problem) {
	if opts.HeaderRow == 0 {
		opts.HeaderRow = 1
	}
	b := &Binding{mapping: m, opts: opts}
	var problems []Problem
	at := map[*Column]int{}
	for i, raw := range header {
		h := normalizeHeader(raw)
		if h == "" {
			continue
		}
		p := Problem{Row: opts.HeaderRow, Column: i, Letter: ColumnLetter(i), Header: raw, Value: raw}
		c := m.byHeader[h]
		switch {
		case c == nil:
			p.Rule, p.Severity = RuleUnknownColumn, Warning
			p.Message = fmt.Sprintf("column %q is not in the mapping: ignored", strings.TrimSpace(raw))
			problems = append(problems, p)
		case at[c] > 0:
			p.Rule = RuleDuplicateHeader
			p.Message = fmt.Sprintf("header %q appears twice: columns %s and %s", c.Header, ColumnLetter(at[c]-1), p.Letter)
			problems = append(problems, p)
		default:
			at[c] = i + 1
		}
	}
	for _, c := range m.Columns {
		if i := at[c]; i > 0 {
			b.cols = append(b.cols, boundColumn{col: c, index: i - 1})
			continue
		}
		if c.ReadOnly && c.Field != m.Match {
			continue // exported for reference; an import does not need it
		}
		p := Problem{Row: opts.HeaderRow, Column: -1, Header: c.Header, Rule: RuleMissingColumn}
		switch {
		case c.Required:
			p.Message = fmt.Sprintf("required column %q is missing", c.Header)
		case c.Field == m.Match:
			p.Message = fmt.Sprintf("column %q is missing: rows are matched by it", c.Header)
		default:
			p.Severity = Warning
			p.Message = fmt.Sprintf("column %q is missing: field %s is left as it is", c.Header, c.Field)
		}
		if i, ok := nearMiss(c.Header, header, at); ok {
			p.Suggestion = header[i]
			p.Message += fmt.Sprintf("; did you mean %q (column %s)?", strings.TrimSpace(header[i]), ColumnLetter(i))
		}
		problems = append(problems, p)
	}
	for _, p := range problems {
		if p.Severity == Error {
			return nil, problems
		}
	}
	return b, problems
}

// ColumnLetter is the spreadsheet name of a 0-based column index: 0 is A, 26 is AA.
func ColumnLetter(i int) string {
	if i < 0 {
		return ""
	}
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// nearMiss finds the header of the sheet that is almost want: the same once variant
// characters (帐 for 账, traditional forms), full- and half-width forms, spaces and a
// required-marker suffix (（必填）, (必填), *) are set aside. Headers already bound (at) are
// not offered.
func nearMiss(want string, header []string, at map[*Column]int) (int, bool) {
	bound := map[int]bool{}
	for _, i := range at {
		bound[i-1] = true
	}
	target := looseHeader(want)
	for i, h := range header {
		if !bound[i] && h != "" && looseHeader(h) == target {
			return i, true
		}
	}
	return 0, false
}

// variantChars are characters people type for the ones the service's headers use: variant
// and traditional forms.
var variantChars = strings.NewReplacer(
	"帐", "账", "賬", "账", "號", "号", "稱", "称", "務", "务", "戶", "户", "電", "电", "話", "话",
	"郵", "邮", "級", "级", "別", "别", "簽", "签", "約", "约", "時", "时", "間", "间", "區", "区",
	"網", "网", "碼", "码", "額", "额", "費", "费", "註", "注", "備", "备", "聯", "联", "繫", "系",
	"係", "系", "員", "员", "業", "业", "屬", "属", "稅", "税", "開", "开", "結", "结",
	"託", "托", "詢", "询", "關", "关", "項", "项", "態", "态", "優", "优", "標", "标", "簡", "简",
)

// requiredMarks are the suffixes templates put on required headers.
var requiredMarks = []string{"(必填)", "(必须)", "(required)", "*", "※"}

// looseHeader is a header with the differences nearMiss sets aside taken out.
func looseHeader(h string) string {
	h = strings.ToLower(strings.Join(strings.Fields(normalizeHeader(h)), ""))
	for changed := true; changed; {
		changed = false
		for _, mark := range requiredMarks {
			if t, ok := strings.CutSuffix(h, mark); ok {
				h, changed = t, true
			}
			if t, ok := strings.CutPrefix(h, mark); ok {
				h, changed = t, true
			}
		}
	}
	return variantChars.Replace(h)
}

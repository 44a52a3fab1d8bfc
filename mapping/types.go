package mapping

import (
	"fmt"
	"math"
	"math/big"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Type is how a column's cells are read and written.
type Type string

const (
	TypeText     Type = "text"     // as it is
	TypeInt      Type = "int"      // 123, -5; "12.0" from a spreadsheet is 12
	TypeDecimal  Type = "decimal"  // 12.50, 1,234.5; kept as written, compared by value
	TypeDate     Type = "date"     // written 2017-01-01
	TypeDateTime Type = "datetime" // written 2018-02-03 00:00:00
	TypeEnum     Type = "enum"     // a label in the sheet, its value in the API
	TypeList     Type = "list"     // a,b,c
	TypeCascade  Type = "cascade"  // 北京市/二级1 <-> ["北京市","二级1"]
	TypeURL      Type = "url"
	TypeEmail    Type = "email"
	TypeCheckbox Type = "checkbox" // 是/否
)

// Types lists every type, in the order doc.go explains them.
var Types = []Type{TypeText, TypeInt, TypeDecimal, TypeDate, TypeDateTime, TypeEnum, TypeList,
	TypeCascade, TypeURL, TypeEmail, TypeCheckbox}

func (t Type) valid() bool { return slices.Contains(Types, t) }

// Checkbox labels: what the vendor stores, and every spelling accepted for each on import.
const (
	CheckboxYes = "是"
	CheckboxNo  = "否"
)

var (
	checkboxYes = []string{"是", "1", "true", "y", "yes", "√", "✓", "✔", "对", "on"}
	checkboxNo  = []string{"否", "0", "false", "n", "no", "×", "✗", "✘", "x", "错", "off"}
)

// Rule is a stable code for the rule a cell or a header broke, for reports and translations.
type Rule string

const (
	RuleRequired        Rule = "required"
	RuleInt             Rule = "int"
	RuleDecimal         Rule = "decimal"
	RuleDate            Rule = "date"
	RuleDateTime        Rule = "datetime"
	RuleEnum            Rule = "enum"
	RuleList            Rule = "list"
	RuleCascade         Rule = "cascade"
	RuleURL             Rule = "url"
	RuleEmail           Rule = "email"
	RuleCheckbox        Rule = "checkbox"
	RuleValues          Rule = "values"
	RuleMaxLength       Rule = "max_length"
	RulePattern         Rule = "pattern"
	RuleClear           Rule = "clear" // the clear marker in a column that cannot be cleared
	RuleMissingColumn   Rule = "missing_column"
	RuleDuplicateHeader Rule = "duplicate_header"
	RuleUnknownColumn   Rule = "unknown_column"
)

// ruleOf is the rule a type's conversion breaks.
var ruleOf = map[Type]Rule{
	TypeInt: RuleInt, TypeDecimal: RuleDecimal, TypeDate: RuleDate, TypeDateTime: RuleDateTime,
	TypeEnum: RuleEnum, TypeList: RuleList, TypeCascade: RuleCascade, TypeURL: RuleURL,
	TypeEmail: RuleEmail, TypeCheckbox: RuleCheckbox,
}

// cellError is a conversion failure: the rule and a message that does not repeat the value.
type cellError struct {
	rule Rule
	msg  string
}

func (e *cellError) Error() string { return e.msg }

func fail(rule Rule, format string, args ...any) *cellError {
	return &cellError{rule: rule, msg: fmt.Sprintf(format, args...)}
}

// value is a converted cell: its canonical text (what an export writes) and, for list and
// cascade columns, its elements.
type value struct {
	text  string
	elems []string
}

var (
	intRE      = regexp.MustCompile(`^[+-]?\d+(?:\.0*)?$`)
	decimalRE  = regexp.MustCompile(`^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$`)
	groupedRE  = regexp.MustCompile(`^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$`)
	exponentRE = regexp.MustCompile(`^[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+$`)
	listSepRE  = regexp.MustCompile(`[,，、]`)
	cascadeRE  = regexp.MustCompile(`[/／]`)
)

// foldWidth maps full-width digits, letters and punctuation to their ASCII forms (１２３ -> 123),
// which Chinese input methods produce; it is used where the value is not free text.
func foldWidth(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return width.Narrow.String(s)
		}
	}
	return s // ASCII is narrow already: no transformer, no copy (an export folds every number)
}

// trimSpace removes white space, full-width spaces and byte order marks around s.
func trimSpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' })
}

// convert turns a non-empty cell (trimmed unless the column keeps spaces) into the column's
// value, and checks the column's rules.
func (c *Column) convert(s string, sys DateSystem) (value, *cellError) {
	v, err := c.convertType(s, sys)
	if err != nil {
		return value{}, err
	}
	if err := c.checkRules(v); err != nil {
		return value{}, err
	}
	return v, nil
}

func (c *Column) convertType(s string, sys DateSystem) (value, *cellError) {
	switch c.Type {
	case TypeInt:
		t := shortestDouble(trimSpace(foldWidth(s)))
		if !intRE.MatchString(t) {
			return value{}, fail(RuleInt, "not a whole number")
		}
		t, _, _ = strings.Cut(t, ".")
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return value{}, fail(RuleInt, "number out of range")
		}
		return value{text: strconv.FormatInt(n, 10)}, nil
	case TypeDecimal:
		d, ok := canonicalDecimal(s)
		if !ok {
			return value{}, fail(RuleDecimal, "not a number")
		}
		return value{text: d}, nil
	case TypeDate:
		d, err := parseDate(s, sys)
		if err != nil {
			return value{}, fail(RuleDate, "%v", err)
		}
		return value{text: d}, nil
	case TypeDateTime:
		d, err := parseDateTimeText(s, sys)
		if err != nil {
			return value{}, fail(RuleDateTime, "%v", err)
		}
		return value{text: d}, nil
	case TypeEnum:
		if v, ok := c.enumValue(s); ok {
			return value{text: v}, nil
		}
		return value{}, fail(RuleEnum, "not one of %s", strings.Join(c.enumLabels(), ", "))
	case TypeList:
		elems := splitList(s, listSepRE)
		return value{text: strings.Join(elems, ","), elems: elems}, nil
	case TypeCascade:
		elems := splitList(s, cascadeRE)
		return value{text: strings.Join(elems, "/"), elems: elems}, nil
	case TypeURL:
		t := trimSpace(s)
		if !validURL(t) {
			return value{}, fail(RuleURL, "not a web address (http://example.com or example.com)")
		}
		return value{text: t}, nil
	case TypeEmail:
		t := trimSpace(s)
		a, err := mail.ParseAddress(t)
		if err != nil || a.Address != t || a.Name != "" {
			return value{}, fail(RuleEmail, "not an email address (name@example.com)")
		}
		return value{text: t}, nil
	case TypeCheckbox:
		if b, ok := parseCheckbox(s); ok {
			return value{text: b}, nil
		}
		return value{}, fail(RuleCheckbox, "not 是 or 否 (also accepted: 1/0, true/false, Y/N, √/×)")
	}
	if c.Pattern != nil {
		// A pattern restricts a text to ASCII forms in practice (an account, a code): the
		// full-width forms an input method types (ｓｚ＿ａｂｃ) are those same characters.
		s = foldWidth(s)
	}
	return value{text: s}, nil // text
}

// checkRules checks the rules that apply to every type: values, max_length, pattern.
func (c *Column) checkRules(v value) *cellError {
	if c.Values != nil {
		elems := v.elems
		if c.Type != TypeList {
			elems = []string{v.text}
		}
		for _, e := range elems {
			if !slices.Contains(c.Values, e) {
				return fail(RuleValues, "%q is not one of %s", e, strings.Join(c.Values, ", "))
			}
		}
	}
	if c.MaxLength > 0 {
		if n := utf8.RuneCountInString(v.text); n > c.MaxLength {
			return fail(RuleMaxLength, "%d characters, at most %d allowed", n, c.MaxLength)
		}
	}
	if c.Pattern != nil && !c.Pattern.MatchString(v.text) {
		if scientificRE.MatchString(v.text) {
			return fail(RulePattern, "does not match the pattern %s: it looks like a long number a spreadsheet program wrote in scientific notation (format the column as text and type the value again)", patternSource(c.Pattern))
		}
		return fail(RulePattern, "does not match the pattern %s", patternSource(c.Pattern))
	}
	return nil
}

// anchorPattern compiles a pattern so that it must match the whole value.
func anchorPattern(p string) (*regexp.Regexp, error) {
	if _, err := regexp.Compile(p); err != nil {
		return nil, err
	}
	return regexp.Compile(`^(?:` + p + `)$`)
}

func patternSource(re *regexp.Regexp) string {
	s := re.String()
	return strings.TrimSuffix(strings.TrimPrefix(s, `^(?:`), `)$`)
}

// splitList splits on the separators, trims every element and drops empty ones.
func splitList(s string, sep *regexp.Regexp) []string {
	var out []string
	for _, e := range sep.Split(s, -1) {
		if e = trimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// canonicalDecimal keeps a decimal as written (so "0.00" stays "0.00") less sign noise and
// thousands separators; exponent forms, which spreadsheets write for tiny or huge numbers,
// become plain decimals.
func canonicalDecimal(s string) (string, bool) {
	t := shortestDouble(trimSpace(foldWidth(s)))
	switch {
	case groupedRE.MatchString(t):
		t = strings.ReplaceAll(t, ",", "")
	case exponentRE.MatchString(t):
		r, ok := new(big.Rat).SetString(t)
		if !ok {
			return "", false
		}
		f, _ := r.Float64()
		if math.IsInf(f, 0) {
			return "", false // 1E700: no amount, and no double to write it as
		}
		t = strconv.FormatFloat(f, 'f', -1, 64)
	case !decimalRE.MatchString(t):
		return "", false
	}
	t = strings.TrimPrefix(t, "+")
	if strings.HasPrefix(t, ".") {
		t = "0" + t
	} else if strings.HasPrefix(t, "-.") {
		t = "-0" + t[1:]
	}
	t = strings.TrimSuffix(t, ".")
	if t == "-0" || strings.HasPrefix(t, "-") && strings.Trim(t, "-0.") == "" {
		t = t[1:] // -0.00 is 0.00
	}
	return t, true
}

// shortestDouble turns a number with a fraction and more significant digits than a double
// holds (15) into the shortest decimal that reads back as the same double: an xlsx cell
// stores a binary double, which a program may write out in full ("0.10000000000000001",
// "9913.8099999999995") where the person typed 0.1 and 9913.81. Anything else is returned as
// it is: whole numbers of any length (ids, accounts), and decimals as people write them.
func shortestDouble(t string) string {
	if !strings.ContainsAny(t, ".eE") || significantDigits(t) <= 15 {
		return t
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return t
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// significantDigits counts the digits of a number's mantissa from its first non-zero digit.
func significantDigits(t string) int {
	mantissa, _, _ := strings.Cut(strings.ToLower(t), "e")
	digits := strings.TrimLeft(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, mantissa), "0")
	return len(digits)
}

// decimalEqual compares two decimals by value.
func decimalEqual(a, b string) bool {
	ra, ok1 := new(big.Rat).SetString(a)
	rb, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && ra.Cmp(rb) == 0
}

// validURL accepts http(s) addresses and bare host names with a dot (example.com/path), which
// is how people usually type a company's web site.
func validURL(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	host := u.Hostname()
	return strings.Contains(host, ".") || host == "localhost"
}

func parseCheckbox(s string) (string, bool) {
	t := strings.ToLower(trimSpace(foldWidth(s)))
	switch {
	case slices.Contains(checkboxYes, t):
		return CheckboxYes, true
	case slices.Contains(checkboxNo, t):
		return CheckboxNo, true
	}
	return "", false
}

// enumValue finds the value of a cell that holds a label or a value (labels win when a label
// is also another entry's value).
func (c *Column) enumValue(s string) (string, bool) {
	t := trimSpace(s)
	for _, e := range c.Enum {
		if e.Label == t {
			return e.Value, true
		}
	}
	for _, e := range c.Enum {
		if e.Value == t {
			return e.Value, true
		}
	}
	f := foldWidth(t)
	for _, e := range c.Enum {
		if foldWidth(e.Label) == f || foldWidth(e.Value) == f {
			return e.Value, true
		}
	}
	return "", false
}

// enumLabel is the label of an API value, and false for a value the file does not list.
func (c *Column) enumLabel(v string) (string, bool) {
	for _, e := range c.Enum {
		if e.Value == v {
			return e.Label, true
		}
	}
	return "", false
}

func (c *Column) enumLabels() []string {
	out := make([]string, len(c.Enum))
	for i, e := range c.Enum {
		out[i] = e.Label
	}
	return out
}

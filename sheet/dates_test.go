package sheet

import (
	"strings"
	"testing"
)

func TestIsDateFormat(t *testing.T) {
	for code, want := range map[string]bool{
		"yyyy-mm-dd":                true,
		`yyyy\-mm\-dd`:              true, // LibreOffice's spelling
		`yyyy"年"m"月"d"日"`:           true,
		`yyyy\年m\月d\日`:              true,
		"[$-804]yyyy/m/d h:mm":      true,
		"[h]:mm:ss":                 true,
		"h:mm AM/PM":                true,
		"General":                   false,
		"@":                         false,
		"0.00":                      false,
		"#,##0":                     false,
		`#,##0.00 "元"`:              false,
		`0 "days"`:                  false,
		"[Red]0.00":                 false,
		`0.00_);[Red]\(0.00\)`:      false,
		"0.00E+00":                  false,
		`"yyyy"`:                    false,
		"[$€-407] #,##0.00":         false,
		`_(* #,##0_);_(* \(#,##0\)`: false,
	} {
		if got := isDateFormat(code); got != want {
			t.Errorf("isDateFormat(%q) = %v, want %v", code, got, want)
		}
	}
}

// FuzzIsDateFormat: any format code a workbook holds is read without a panic, and a code of
// quoted text alone is no date.
func FuzzIsDateFormat(f *testing.F) {
	for _, s := range []string{"yyyy-mm-dd", `0.00_);[Red]\(0.00\)`, `"a`, "[", `\`, "_", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		isDateFormat(code)
		if q := `"` + strings.ReplaceAll(code, `"`, "") + `"`; isDateFormat(q) {
			t.Errorf("quoted text %q is a date format", q)
		}
	})
}

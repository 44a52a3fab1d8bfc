package mapping

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
)

func FuzzParse(f *testing.F) {
	for _, p := range []string{"../samples/mapping.yaml", "../samples/mapping-minimal.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("version: 1\ncolumns:\n  - &a {header: a, field: address}\n  - *a\n"))
	f.Add([]byte("version: 1\ncolumns:\n  - {header: s, field: status, type: enum, values: {a: 1}}\n"))
	f.Add([]byte("{version: 1, columns: [{header: x, field: custom.x, type: list, as: list, pattern: '(', default: 1}]}"))
	f.Add([]byte("\uFEFF---\n...\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// YAML breaks lines at \n, \r\n and a lone \r.
		lines := 1 + strings.Count(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") +
			strings.Count(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r")
		m, err := Parse("fuzz.yaml", data)
		if err == nil {
			if m == nil || len(m.Columns) == 0 || m.Version != 1 {
				t.Fatalf("accepted mapping is incomplete: %+v", m)
			}
			for _, c := range m.Columns {
				if !c.Type.valid() || c.Field == "" {
					t.Fatalf("accepted column %+v", c)
				}
			}
			return
		}
		var fe *FileError
		if !errors.As(err, &fe) || len(fe.Problems) == 0 {
			t.Fatalf("error %v is not a *FileError with problems", err)
		}
		for _, p := range fe.Problems {
			if p.Line < 1 || p.Column < 1 || p.Line > lines+1 || p.Message == "" {
				t.Fatalf("problem without a place in the file: %+v (%d lines)", p, lines)
			}
		}
	})
}

// FuzzCellConversion checks every type's parser: no panic, and what parses formats back (as
// an export writes it) and parses again to the same value.
func FuzzCellConversion(f *testing.F) {
	seeds := []string{"2017-01-01", "2017/1/1", "2017年1月1日", "20170101", "42736", "60", "0", "2018/2/3 0:00",
		"43134.5", "12.50", "1,234.5", "-0.00", "1E-05", "007", "12.0", "已删除", "1", "a，b、c", "北京市/二级1",
		"www.x.com", "a@b.cn", "√", "=1+1", "'-abc", "", " ", "\u3000", "9999-12-31 23:59:59"}
	for _, s := range seeds {
		for i := range Types {
			f.Add(s, uint8(i), false)
		}
	}
	f.Fuzz(func(t *testing.T, s string, typ uint8, date1904 bool) {
		c := col(Types[int(typ)%len(Types)])
		sys := Date1900
		if date1904 {
			sys = Date1904
		}
		v, err := c.convert(c.cellText(s), sys)
		if err != nil {
			if err.rule == "" || err.msg == "" {
				t.Fatalf("%s %q: error without rule or message", c.Type, s)
			}
			return
		}
		if !utf8.ValidString(s) {
			return // invalid UTF-8 has no stable text form to compare
		}
		// Export writes the canonical value; the API shape depends on the column.
		fv := apiValue(c, v)
		cell := c.format(fv)
		back := UnescapeFormula(cell.Text)
		v2, err := c.convert(c.cellText(back), Date1900) // an export's text never holds a serial
		if err != nil {
			t.Fatalf("%s %q -> %q -> cell %q does not parse again: %v", c.Type, s, v.text, cell.Text, err)
		}
		if v2.text != v.text && !(c.Type == TypeDecimal && decimalEqual(v2.text, v.text)) {
			t.Fatalf("%s %q -> %q -> cell %q -> %q", c.Type, s, v.text, cell.Text, v2.text)
		}
	})
}

// apiValue is the value the API holds after a create from v.
func apiValue(c *Column, v value) bangwo8.FieldValue {
	var in bangwo8.CompanyInput
	setInput(&in, Value{Column: c, Text: v.text, Elems: v.elems, Set: true}, c.As)
	return in.CustomFields[0].Value // col() makes custom columns
}

// FuzzBindHeader: any header row binds or names its problems without a panic; a near miss
// that Bind suggests is a header of the row.
func FuzzBindHeader(f *testing.F) {
	f.Add("公司名称（必填）", "服务帐号", "*")
	f.Add("", " ", "\uFEFF")
	m, err := Parse("m.yaml", []byte("version: 1\nmatch: serviceaccount\ncolumns:\n  - {header: 公司名称, field: companyName, required: true}\n  - {header: 服务账号, field: serviceaccount, required: true}\n"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		header := []string{a, b, c}
		_, problems := m.Bind(header, ReadOptions{})
		for _, p := range problems {
			if p.Suggestion != "" && p.Suggestion != a && p.Suggestion != b && p.Suggestion != c {
				t.Errorf("suggestion %q is no header of %q", p.Suggestion, header)
			}
		}
	})
}

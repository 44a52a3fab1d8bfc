package mapping

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// problems parses src and returns its problems as "line:col: message".
func problems(t *testing.T, src string) []string {
	t.Helper()
	m, err := Parse("m.yaml", []byte(src))
	if err == nil {
		if m == nil {
			t.Fatal("nil mapping without error")
		}
		return nil
	}
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *FileError", err)
	}
	var out []string
	for _, p := range fe.Problems {
		out = append(out, fmt.Sprintf("%d:%d: %s", p.Line, p.Column, p.Message))
	}
	return out
}

const head = "version: 1\ncolumns:\n"

func TestParseFileChecks(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "line:col: substring", one per problem, in order
	}{
		{"unknown top-level key", "version: 1\nmach: uId\ncolumns:\n  - {header: a, field: companyName}\n",
			[]string{`2:1: unknown key "mach"`}},
		{"unknown column key", head + "  - header: a\n    field: companyName\n    requird: true\n",
			[]string{`5:5: unknown key "requird" (did you mean "required"?)`}},
		{"unknown field", head + "  - header: a\n    field: companyname\n",
			[]string{`4:12: unknown field "companyname" (did you mean "companyName"?)`}},
		{"unknown field, no suggestion", head + "  - header: a\n    field: phone\n",
			[]string{`4:12: unknown field "phone"`}},
		{"custom_fields as a column", head + "  - header: a\n    field: custom_fields\n",
			[]string{`4:12: custom_fields is not a column`}},
		{"bad custom key", head + "  - header: a\n    field: \"custom.a b\"\n",
			[]string{`4:12: bad custom field key "a b"`}},
		{"read-only field", head + "  - header: a\n    field: createDT\n",
			[]string{`4:12: field createDT is read-only`}},
		{"read-only field marked readonly", head + "  - header: a\n    field: createDT\n    readonly: true\n", nil},
		{"uId is allowed", "version: 1\nmatch: uId\ncolumns:\n  - {header: ID, field: uId}\n", nil},
		{"uId must be int", head + "  - header: a\n    field: uId\n    type: text\n",
			[]string{`5:11: field uId holds a whole number`, `5:11: field uId is the company id`}},
		{"two columns for one field", head + "  - header: a\n    field: companyName\n  - header: b\n    field: companyName\n",
			[]string{`6:12: field companyName is already mapped by the column at line 3`}},
		{"two columns with one header", head + "  - header: a\n    field: companyName\n  - header: ' ａ '\n    field: address\n",
			[]string{`5:13: header " ａ " is already used by the column at line 3`}},
		{"bad type", head + "  - header: a\n    field: address\n    type: string\n",
			[]string{`5:11: unknown type "string"`}},
		{"enum without values", head + "  - header: a\n    field: address\n    type: enum\n",
			[]string{`5:11: an enum column needs values`}},
		{"labels on a non-enum", head + "  - header: a\n    field: address\n    values: {x: 1}\n",
			[]string{`5:13: values as labels (label: value) are for enum columns`}},
		{"a values list on a date", head + "  - header: a\n    field: servicestarttime\n    values: [x]\n",
			[]string{`5:13: a values list is for text and list columns, not date`}},
		{"a values list on an enum", head + "  - header: a\n    field: address\n    type: enum\n    values: [x]\n",
			[]string{`6:13: enum values need labels`}},
		{"enum values of an int field", head + "  - header: a\n    field: status\n    type: enum\n    values: {ok: yes}\n",
			[]string{`6:13: field status holds a whole number: enum value "yes"`}},
		{"enum value twice", head + "  - header: a\n    field: address\n    type: enum\n    values: {x: 1, y: 1}\n",
			[]string{`6:23: labels "x" and "y" have the same value "1"`}},
		{"text type on an int field", head + "  - header: a\n    field: userGroup\n    type: date\n",
			[]string{`5:11: field userGroup holds a whole number`}},
		{"bad regexp", head + "  - header: a\n    field: address\n    pattern: '(a'\n",
			[]string{`5:14: bad pattern: error parsing regexp`}},
		{"bad default", head + "  - header: a\n    field: servicestarttime\n    default: soon\n",
			[]string{`5:14: default "soon" is not valid for this column: not a date`}},
		{"bad max_length", head + "  - header: a\n    field: address\n    max_length: 0\n",
			[]string{`5:17: max_length must be at least 1`}},
		{"bad boolean", head + "  - header: a\n    field: address\n    required: sure\n",
			[]string{`5:15: required must be true or false`}},
		{"as on text", head + "  - header: a\n    field: custom.a\n    as: list\n",
			[]string{`5:9: as is for list and cascade columns`}},
		{"as on a documented field", head + "  - header: a\n    field: tableName\n    type: list\n    as: list\n",
			[]string{`6:9: as is for custom fields`}},
		{"bad empty", head + "  - header: a\n    field: address\n    empty: never\n",
			[]string{`5:12: empty must be clear or keep`}},
		{"bad version", "version: 2\ncolumns:\n  - {header: a, field: companyName}\n",
			[]string{`1:10: unsupported version 2`}},
		{"version not a number", "version: one\ncolumns:\n  - {header: a, field: companyName}\n",
			[]string{`1:10: version must be a whole number`}},
		{"missing version", "columns:\n  - {header: a, field: companyName}\n",
			[]string{`1:1: version is missing`}},
		{"match without its column", "version: 1\nmatch: serviceaccount\ncolumns:\n  - {header: a, field: companyName}\n",
			[]string{`2:8: match is serviceaccount but no column maps field serviceaccount`}},
		{"bad match", "version: 1\nmatch: address\ncolumns:\n  - {header: a, field: address}\n",
			[]string{`2:8: match must be one of uId, serviceaccount, companyName`}},
		{"empty columns", "version: 1\ncolumns: []\n", []string{`2:10: columns is empty`}},
		{"no columns", "version: 1\n", []string{`1:1: columns is missing`}},
		{"column without header and field", head + "  - note: x\n",
			[]string{`3:5: a column needs a header`, `3:5: a column needs a field`}},
		{"anchors and aliases", "version: 1\ncolumns:\n  - &c {header: a, field: address}\n  - *c\n",
			[]string{`3:5: anchors and aliases`, `4:5: anchors and aliases`}},
		{"merge key", "version: 1\ncolumns:\n  - {header: a, field: address, <<: {note: x}}\n",
			[]string{`3:33: merge keys`}},
		{"tag", "version: !!int 1\ncolumns:\n  - {header: a, field: address}\n",
			[]string{`1:10: tags (!!) are not allowed`}},
		{"duplicate key", "version: 1\nversion: 1\ncolumns:\n  - {header: a, field: address}\n",
			[]string{`2:1: mapping key "version" already defined`}},
		{"syntax error", "version: 1\ncolumns:\n  - header: [a\n", []string{`3:`}},
		{"empty file", "", []string{`1:1: empty mapping file`}},
		{"not a mapping", "- a\n- b\n", []string{`1:1: the mapping file must be a mapping`}},
		{"two documents", "version: 1\n---\nversion: 1\n", []string{`3:1: a mapping file holds one YAML document`}},
		{"all problems at once", "version: 3\ncolumns:\n  - {header: a, field: nope}\n  - {header: b, field: address, type: zz}\n",
			[]string{`1:10: unsupported version 3`, `3:24: unknown field "nope"`, `4:39: unknown type "zz"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(t, tt.src)
			if len(got) != len(tt.want) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) && !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("problem %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseReadsEveryKey(t *testing.T) {
	src := `version: 1
match: companyName
sheet: 公司
columns:
  - header: 名称
    field: companyName
    required: true
    max_length: 10
    pattern: '[^x]+'
    note: 必填
    trim: false
  - header: 状态
    field: status
  - header: 级别
    field: custom.level
    values: [普通, 重要]
    default: 普通
    empty: keep
  - header: 多选
    field: custom.multi
    type: list
    as: list
  - header: 标记
    field: status2
`
	_, err := Parse("m.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "m.yaml:24:12: unknown field") {
		t.Fatalf("want the unknown field reported with its place, got %v", err)
	}
	m, err := Parse("m.yaml", []byte(strings.TrimSuffix(src, "  - header: 标记\n    field: status2\n")))
	if err != nil {
		t.Fatal(err)
	}
	name, _ := m.Column("companyName")
	if !name.Required || name.MaxLength != 10 || name.Pattern == nil || name.Note != "必填" || name.Trim || name.Line != 5 {
		t.Errorf("companyName column = %+v", name)
	}
	status, _ := m.Column("status")
	if status.Type != TypeEnum || len(status.Enum) != 2 || status.Enum[1] != (EnumValue{"已删除", "2"}) {
		t.Errorf("status column without a type = %+v, want the vendor's enum", status)
	}
	level, _ := m.Column("custom.level")
	if level.Type != TypeText || !level.HasDefault || level.Default != "普通" || level.ClearEmpty || len(level.Values) != 2 {
		t.Errorf("custom.level column = %+v", level)
	}
	multi, _ := m.Column("custom.multi")
	if multi.As != ShapeList {
		t.Errorf("custom.multi As = %q", multi.As)
	}
	if m.Sheet != "公司" || m.Match != "companyName" || m.MatchColumn() != name {
		t.Errorf("sheet %q match %q", m.Sheet, m.Match)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(path, []byte("\uFEFF"+head+"  - {header: a, field: companyName}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Errorf("a file with a byte order mark: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing file: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(head+strings.Repeat("#", MaxFileSize)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a large file: %v", err)
	}
}

func TestParseBillionLaughs(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 30; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString(head + "  - {header: a, field: address}\n")
	_, err := Parse("laughs.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "anchors and aliases") {
		t.Fatalf("want anchors refused, got %v", err)
	}
}

func TestParseRefusesDeepNesting(t *testing.T) {
	src := head + "  - {header: a, field: address, note: " + strings.Repeat("[", 40) + "}\n"
	got := problems(t, src)
	if len(got) != 1 || !strings.HasPrefix(got[0], "3:70: brackets nested deeper than 32") {
		t.Errorf("problems %q", got)
	}
}

// TestBindNearMiss: a header that is almost a required one is named in the error, with its
// column: variant characters, full-width forms, spaces and required-marker suffixes.
func TestBindNearMiss(t *testing.T) {
	m, err := Parse("m.yaml", []byte("version: 1\nmatch: serviceaccount\ncolumns:\n  - {header: 公司名称, field: companyName, required: true}\n  - {header: 服务账号, field: serviceaccount}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		header []string
		want   string // in the error; "" when the header binds
	}{
		{[]string{"公司名称", "服务帐号"}, `did you mean "服务帐号" (column B)?`},
		{[]string{"公司名称", "服務賬號"}, `did you mean "服務賬號" (column B)?`},
		{[]string{"公司名称（必填）", "服务账号"}, `required column "公司名称" is missing; did you mean "公司名称（必填）" (column A)?`},
		{[]string{"x", "公司名称(必填)", "服务账号"}, `(column B)?`},
		{[]string{"*公司名称", "服务账号"}, `(column A)?`},
		{[]string{"公司 名称 *", "服务账号"}, `(column A)?`},
		{[]string{"ｃｏｍｐａｎｙ", "服务账号"}, `required column "公司名称" is missing`},
		{[]string{"  公司名称 ", "服务账号"}, ""},
	} {
		b, problems := m.Bind(tt.header, ReadOptions{})
		var msgs []string
		for _, p := range problems {
			if p.Severity == Error {
				msgs = append(msgs, p.Error())
			}
		}
		got := strings.Join(msgs, "; ")
		if tt.want == "" {
			if b == nil {
				t.Errorf("%q: %s", tt.header, got)
			}
			continue
		}
		if b != nil || !strings.Contains(got, tt.want) {
			t.Errorf("%q: %q, want it to contain %q", tt.header, got, tt.want)
		}
	}
}

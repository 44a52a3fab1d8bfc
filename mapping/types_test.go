package mapping

import (
	"strings"
	"testing"
)

func col(typ Type) *Column {
	c := &Column{Header: "h", Field: "custom.x", Type: typ, Trim: true}
	switch typ {
	case TypeEnum:
		c.Enum = []EnumValue{{"未删除", "1"}, {"已删除", "2"}}
	case TypeList:
		c.As = ShapeText
	case TypeCascade:
		c.As = ShapeList
	}
	return c
}

func TestConvertTypes(t *testing.T) {
	tests := []struct {
		typ  Type
		in   string
		want string // canonical text
		rule Rule   // the rule broken, "" when it converts
	}{
		{TypeText, "abc", "abc", ""},
		{TypeText, "=1+1", "=1+1", ""},
		{TypeInt, "123", "123", ""},
		{TypeInt, "-5", "-5", ""},
		{TypeInt, "+7", "7", ""},
		{TypeInt, "007", "7", ""},
		{TypeInt, "12.0", "12", ""},
		{TypeInt, "１２３", "123", ""},
		{TypeInt, "12.5", "", RuleInt},
		{TypeInt, "abc", "", RuleInt},
		{TypeInt, "99999999999999999999", "", RuleInt},
		{TypeDecimal, "12.50", "12.50", ""},
		{TypeDecimal, "0.00", "0.00", ""},
		{TypeDecimal, "+3", "3", ""},
		{TypeDecimal, "1,234.5", "1234.5", ""},
		{TypeDecimal, ".5", "0.5", ""},
		{TypeDecimal, "-.5", "-0.5", ""},
		{TypeDecimal, "5.", "5", ""},
		{TypeDecimal, "-0.00", "0.00", ""},
		{TypeDecimal, "1E-05", "0.00001", ""},
		{TypeDecimal, "1,23", "", RuleDecimal},
		{TypeDecimal, "12元", "", RuleDecimal},
		{TypeDecimal, "NaN", "", RuleDecimal},
		{TypeDecimal, "1E700", "", RuleDecimal}, // past a double: was written as "+Inf"
		{TypeDate, "2017/1/1", "2017-01-01", ""},
		{TypeDate, "2017-02-31", "", RuleDate},
		{TypeDateTime, "2018/2/3 0:00", "2018-02-03 00:00:00", ""},
		{TypeDateTime, "yesterday", "", RuleDateTime},
		{TypeEnum, "已删除", "2", ""},
		{TypeEnum, "2", "2", ""},
		{TypeEnum, "１", "1", ""},
		{TypeEnum, "删除", "", RuleEnum},
		{TypeList, "a,b,c", "a,b,c", ""},
		{TypeList, "a， b、c", "a,b,c", ""},
		{TypeList, "a,,b,", "a,b", ""},
		{TypeCascade, "北京市/二级1", "北京市/二级1", ""},
		{TypeCascade, "北京市 ／ 二级1", "北京市/二级1", ""},
		{TypeURL, "https://www.bangwo8.com/x?y=1", "https://www.bangwo8.com/x?y=1", ""},
		{TypeURL, "www.bangwo8.com", "www.bangwo8.com", ""},
		{TypeURL, "ftp://x.com", "", RuleURL},
		{TypeURL, "not a url", "", RuleURL},
		{TypeURL, "intranet", "", RuleURL},
		{TypeURL, "http://localhost:8080/", "http://localhost:8080/", ""},
		{TypeEmail, "a@b.cn", "a@b.cn", ""},
		{TypeEmail, "A <a@b.cn>", "", RuleEmail},
		{TypeEmail, "a.b.cn", "", RuleEmail},
		{TypeCheckbox, "是", "是", ""},
		{TypeCheckbox, "Y", "是", ""},
		{TypeCheckbox, "TRUE", "是", ""},
		{TypeCheckbox, "√", "是", ""},
		{TypeCheckbox, "1", "是", ""},
		{TypeCheckbox, "否", "否", ""},
		{TypeCheckbox, "no", "否", ""},
		{TypeCheckbox, "×", "否", ""},
		{TypeCheckbox, "0", "否", ""},
		{TypeCheckbox, "maybe", "", RuleCheckbox},
	}
	for _, tt := range tests {
		v, err := col(tt.typ).convert(tt.in, Date1900)
		if tt.rule != "" {
			if err == nil || err.rule != tt.rule {
				t.Errorf("%s %q = %q, %v; want rule %s", tt.typ, tt.in, v.text, err, tt.rule)
			}
			continue
		}
		if err != nil || v.text != tt.want {
			t.Errorf("%s %q = %q, %v; want %q", tt.typ, tt.in, v.text, err, tt.want)
		}
	}
}

func TestConvertListElems(t *testing.T) {
	v, err := col(TypeCascade).convert("北京市/二级1/三级1", Date1900)
	if err != nil || strings.Join(v.elems, "|") != "北京市|二级1|三级1" {
		t.Errorf("cascade elems = %q, %v", v.elems, err)
	}
	v, err = col(TypeList).convert("4672422、4672423，4672424", Date1900)
	if err != nil || strings.Join(v.elems, "|") != "4672422|4672423|4672424" {
		t.Errorf("list elems = %q, %v", v.elems, err)
	}
}

func TestRules(t *testing.T) {
	withValues := col(TypeText)
	withValues.Values = []string{"普通", "重要"}
	listValues := col(TypeList)
	listValues.Values = []string{"a", "b"}
	maxLen := col(TypeText)
	maxLen.MaxLength = 3
	pattern := col(TypeText)
	pattern.Pattern, _ = anchorPattern(`\d{3}`)
	tests := []struct {
		name string
		c    *Column
		in   string
		rule Rule
	}{
		{"value allowed", withValues, "重要", ""},
		{"value not allowed", withValues, "其他", RuleValues},
		{"list values allowed", listValues, "a,b", ""},
		{"list value not allowed", listValues, "a,c", RuleValues},
		{"three runes fit", maxLen, "公司名", ""},
		{"four runes do not", maxLen, "公司名称", RuleMaxLength},
		{"pattern matches", pattern, "123", ""},
		{"pattern is anchored", pattern, "1234", RulePattern},
		{"pattern fails", pattern, "12a", RulePattern},
	}
	for _, tt := range tests {
		_, err := tt.c.convert(tt.in, Date1900)
		switch {
		case tt.rule == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.rule != "" && (err == nil || err.rule != tt.rule):
			t.Errorf("%s: got %v, want rule %s", tt.name, err, tt.rule)
		}
	}
}

func TestAnchorPattern(t *testing.T) {
	re, err := anchorPattern(`a|b`)
	if err != nil {
		t.Fatal(err)
	}
	if !re.MatchString("a") || re.MatchString("ab") || patternSource(re) != "a|b" {
		t.Errorf("anchored pattern %s misbehaves", re)
	}
	if _, err := anchorPattern(`(`); err == nil {
		t.Error("a bad pattern compiled")
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", -1: ""} {
		if got := ColumnLetter(i); got != want {
			t.Errorf("ColumnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

// TestPatternColumnFoldsWidth: an account typed with a Chinese input method in full-width
// forms is the ASCII account, as full-width digits are.
func TestPatternColumnFoldsWidth(t *testing.T) {
	m, err := Parse("m.yaml", []byte("version: 1\ncolumns:\n  - {header: 服务账号, field: serviceaccount, pattern: '[A-Za-z0-9_.@-]+'}\n  - {header: 公司名称, field: companyName}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Bind([]string{"服务账号", "公司名称"}, ReadOptions{})
	rec, problems := b.Record(2, []string{"ｓｚ＿ａｂｃ１２３", "北京（中关村）科技"})
	if rec == nil {
		t.Fatal(problems)
	}
	if rec.Values[0].Text != "sz_abc123" || rec.Values[1].Text != "北京（中关村）科技" {
		t.Errorf("values %q, %q: want the account folded, the name as typed", rec.Values[0].Text, rec.Values[1].Text)
	}
}

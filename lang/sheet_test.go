package lang

import (
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

func testMapping(t *testing.T) *mapping.Mapping {
	t.Helper()
	m, err := mapping.Parse("t.yaml", []byte(`version: 1
columns:
  - header: 公司名称
    field: companyName
    required: true
    max_length: 10
  - header: 状态
    field: status
  - header: 服务账号
    field: serviceaccount
    pattern: '[a-z]+'
    note: 登录用的账号
  - header: 开始
    field: servicestarttime
  - header: 签约
    field: custom.field_3
    type: checkbox
  - header: 密码
    field: servicepassword
    empty: keep
`))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestColumnNote(t *testing.T) {
	m := testMapping(t)
	for _, tc := range []struct {
		field string
		l     Lang
		want  []string
		not   []string
	}{
		{"companyName", Chinese, []string{"类型：文本", "必填", "最多 10 个字"}, []string{"Required"}},
		{"companyName", English, []string{"Type: text", "Required", "At most 10 characters"}, []string{"必填"}},
		{"status", Chinese, []string{"下拉选择", "可选：未删除、已删除"}, []string{"必填"}},
		{"serviceaccount", Chinese, []string{"登录用的账号", "只能包含小写字母"}, []string{"^(?:"}},
		{"servicestarttime", Chinese, []string{"类型：日期", "2017-01-01", "2017年1月1日"}, nil},
		{"custom.field_3", English, []string{"yes/no"}, []string{"Allowed"}},
		{"servicepassword", Chinese, []string{"留空则保持原值不变"}, nil},
	} {
		c, _ := m.Column(tc.field)
		note := tc.l.ColumnNote(c)
		for _, w := range tc.want {
			if !strings.Contains(note, w) {
				t.Errorf("%s/%s note %q lacks %q", tc.field, tc.l, note, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(note, w) {
				t.Errorf("%s/%s note %q has %q", tc.field, tc.l, note, w)
			}
		}
	}
	// The mapping's note comes first.
	c, _ := m.Column("serviceaccount")
	if note := Chinese.ColumnNote(c); !strings.HasPrefix(note, "登录用的账号\n") {
		t.Errorf("note %q: the mapping's note must come first", note)
	}
}

func TestExplain(t *testing.T) {
	m := testMapping(t)
	col := func(f string) *mapping.Column { c, _ := m.Column(f); return c }
	for _, tc := range []struct {
		p    mapping.Problem
		c    *mapping.Column
		l    Lang
		want []string
	}{
		{mapping.Problem{Rule: mapping.RuleRequired}, col("companyName"), Chinese, []string{"必填"}},
		{mapping.Problem{Rule: mapping.RuleDate, Value: "2023-02-30"}, col("servicestarttime"), Chinese, []string{"「2023-02-30」", "日期", "2017-01-01"}},
		{mapping.Problem{Rule: mapping.RuleDate, Value: "明年"}, col("servicestarttime"), English, []string{`"明年" is not a valid date`, "2017-01-01"}},
		{mapping.Problem{Rule: mapping.RuleEnum, Value: "正常"}, col("status"), Chinese, []string{"「正常」不在可选值里", "未删除、已删除"}},
		{mapping.Problem{Rule: mapping.RuleCheckbox, Value: "也许"}, col("custom.field_3"), Chinese, []string{"是 或 否"}},
		{mapping.Problem{Rule: mapping.RuleMaxLength, Value: "***"}, col("companyName"), Chinese, []string{"最多 10 个字"}},
		{mapping.Problem{Rule: mapping.RulePattern, Value: "张 三"}, col("serviceaccount"), Chinese, []string{"只能包含小写字母", "张 三"}},
		{mapping.Problem{Rule: "duplicate_key", Value: "acc"}, col("serviceaccount"), Chinese, []string{"重复"}},
		{mapping.Problem{Rule: "match", Message: "no company has uId 7"}, nil, English, []string{"no company has uId 7"}},
		{mapping.Problem{Rule: "something_new", Message: "as it was"}, nil, Chinese, []string{"as it was"}},
	} {
		got := tc.l.Explain(tc.p, tc.c)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("Explain(%s, %q) = %q, lacks %q", tc.p.Rule, tc.p.Value, got, w)
			}
		}
	}
}

func TestStatus(t *testing.T) {
	for action, want := range map[string]string{"invalid": "有错误", "created": "已新建", "failed": "失败", "new": "new"} {
		if got := Chinese.Status(action); got != want {
			t.Errorf("Status(%s) = %q, want %q", action, got, want)
		}
	}
	if English.Status("skipped") != "skipped" {
		t.Error("English status")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "zh", "en_US.UTF-8", "fr", "zh-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(s)
		if l != Chinese && l != English {
			t.Fatalf("Parse(%q) = %q", s, l)
		}
		if err != nil && !strings.Contains(err.Error(), "want zh or en") {
			t.Fatalf("error %v", err)
		}
	})
}

package lang

import (
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

func TestPlanText(t *testing.T) {
	row := PlanRow{Row: 7, Action: "update", Name: "乙公司", KeyHeader: "服务账号", Key: "yi02", UID: "1000002",
		Changes: []mapping.Change{{Header: "客户级别", Old: "重要", New: "战略"}, {Header: "公司地址", Old: "北京", Clear: true}, {Header: "备注", New: "新"}},
		Kept:    []mapping.Kept{{Header: "编号", Cell: "123", Current: "00123", How: mapping.LostZeros}},
		Asset:   "_id 9: model=M-1"}
	zh := "第 7 行：更新 乙公司（服务账号 yi02，公司ID 1000002）\n    客户级别：重要 → 战略\n    公司地址：北京 → （清空）\n    备注：（空） → 新\n" +
		"    编号：保留原值 00123，不写入 123（表格程序去掉了前导零；把这一列设置成“文本”格式再填写）\n    资产：_id 9: model=M-1"
	if got := Chinese.PlanText(row); got != zh {
		t.Errorf("Chinese:\n%s\nwant\n%s", got, zh)
	}
	en := "row 7: update 乙公司 (服务账号 yi02, uId 1000002)\n    客户级别: 重要 → 战略\n    公司地址: 北京 → (cleared)\n    备注: (empty) → 新\n" +
		"    编号: kept 00123, not written 123 (a spreadsheet program dropped its leading zeros; format the column as text before filling it in)\n    asset: _id 9: model=M-1"
	if got := English.PlanText(row); got != en {
		t.Errorf("English:\n%s\nwant\n%s", got, en)
	}
	create := Chinese.PlanText(PlanRow{Row: 2, Action: "create", Name: "新公司", KeyHeader: "服务账号", Key: "x",
		Changes: []mapping.Change{{Header: "公司名称", New: "新公司"}}})
	if create != "第 2 行：新建 新公司（服务账号 x）\n    公司名称：新公司" {
		t.Errorf("create: %q", create)
	}
}

func TestPlanSummaryEstimatesTheTime(t *testing.T) {
	c := PlanCounts{Mode: "upsert", Create: 250, Update: 1000, Unchanged: 3, Clears: 4, Kept: 2, Lookups: 20, RPS: 10}
	zh := Chinese.PlanSummary(c)
	if !strings.Contains(zh, "新建 250，更新 1000，无变化 3") || !strings.Contains(zh, "清空 4 个字段") ||
		!strings.Contains(zh, "保留 2 个") || !strings.HasSuffix(zh, "1250 次写入和 20 次查找，按 --rps 10 约需 2 分 7 秒") {
		t.Errorf("Chinese: %s", zh)
	}
	en := English.PlanSummary(c)
	if !strings.HasSuffix(en, "1250 writes and 20 lookups take about 2m7s at --rps 10") || !strings.Contains(en, "fields to clear: 4") {
		t.Errorf("English: %s", en)
	}
	c.Create, c.Update, c.Lookups, c.RPS = 36000, 0, 0, 5
	if got := English.PlanSummary(c); !strings.HasSuffix(got, "about 2h at --rps 5") {
		t.Errorf("hours: %s", got)
	}
	if got := English.PlanSummary(PlanCounts{RPS: 10}); !strings.HasSuffix(got, "0 writes and 0 lookups take about under a second at --rps 10") {
		t.Errorf("none: %s", got)
	}
}

func TestEmptyRule(t *testing.T) {
	for _, tc := range []struct {
		c      mapping.Column
		zh, en string
	}{
		{mapping.Column{Field: "address"}, "留空则保持原值不变；要清空原值请填 #清空", "Empty keeps the current value; write #CLEAR to clear it"},
		{mapping.Column{Field: "address", ClearEmpty: true}, "留空会清空原值", "Empty clears the current value"},
		{mapping.Column{Field: "companyName", Required: true}, "不能清空", "Cannot be cleared"},
		{mapping.Column{Field: "uId"}, "", ""},
	} {
		if got := Chinese.EmptyRule(&tc.c); got != tc.zh {
			t.Errorf("%+v: %q, want %q", tc.c, got, tc.zh)
		}
		if got := English.EmptyRule(&tc.c); got != tc.en {
			t.Errorf("%+v: %q, want %q", tc.c, got, tc.en)
		}
	}
}

func TestExplainScientificKey(t *testing.T) {
	m, err := mapping.Parse("m.yaml", []byte("version: 1\ncolumns:\n  - {header: 账号, field: serviceaccount, pattern: '[a-z0-9]+'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := m.Column("serviceaccount")
	got := Chinese.Explain(mapping.Problem{Rule: mapping.RulePattern, Value: "1.23457E+11"}, c)
	if !strings.Contains(got, "科学计数法") || !strings.Contains(got, "文本") {
		t.Errorf("Chinese: %s", got)
	}
	if got := English.Explain(mapping.Problem{Rule: mapping.RulePattern, Value: "a b"}, c); strings.Contains(got, "scientific") {
		t.Errorf("English, not a number: %s", got)
	}
}

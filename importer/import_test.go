package importer

import (
	"context"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/report"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func TestImportModesByEachKey(t *testing.T) {
	tests := []struct {
		name  string
		match string
		mode  Mode
		rows  [][]string
		want  map[report.Action]int
		check func(t *testing.T, byAcc map[string][]string)
	}{
		{
			name: "upsert by serviceaccount", match: "serviceaccount", mode: ModeUpsert,
			rows: [][]string{
				{"", "甲公司改", "acc-1", "2017-01-01", "10", "", ""},        // update name
				{"", "乙公司", "acc-2", "2018/5/6", "0", "", "北京市/海淀区"},     // unchanged
				{"", "新公司", "acc-9", "2020年1月2日", "1.5", "pw", "上海市/浦东"}, // create
			},
			want: map[report.Action]int{report.ActionUpdated: 1, report.ActionUnchanged: 1, report.ActionCreated: 1},
			check: func(t *testing.T, byAcc map[string][]string) {
				if got := byAcc["acc-1"]; len(got) != 1 || got[0] != "甲公司改" {
					t.Errorf("acc-1 = %v", got)
				}
				if got := byAcc["acc-9"]; len(got) != 1 || got[0] != "新公司" {
					t.Errorf("acc-9 = %v", got)
				}
			},
		},
		{
			name: "update by uId", match: "uId", mode: ModeUpdate,
			rows: [][]string{
				{"103", "丙公司", "acc-3b", "", "", "", ""},
				{"999", "无此公司", "x", "", "", "", ""}, // unknown uId: invalid
			},
			want: map[report.Action]int{report.ActionInvalid: 1, report.ActionSkipped: 1},
		},
		{
			name: "upsert by uId", match: "uId", mode: ModeUpsert,
			rows: [][]string{
				{"103", "丙公司", "acc-3b", "", "", "", ""},
				{"", "新公司", "acc-7", "", "", "", ""}, // empty uId: create
			},
			want: map[report.Action]int{report.ActionUpdated: 1, report.ActionCreated: 1},
			check: func(t *testing.T, byAcc map[string][]string) {
				if len(byAcc["acc-3b"]) != 1 || len(byAcc["acc-3"]) != 0 || len(byAcc["acc-7"]) != 1 {
					t.Errorf("accounts: %v", byAcc)
				}
			},
		},
		{
			name: "update by companyName", match: "companyName", mode: ModeUpdate,
			rows: [][]string{
				{"", "乙公司", "acc-2", "2019-01-01", "", "", ""},
			},
			want: map[report.Action]int{report.ActionUpdated: 1},
		},
		{
			name: "upsert by companyName creates an unknown name", match: "companyName", mode: ModeUpsert,
			rows: [][]string{
				{"", "甲", "acc-x", "", "", "", ""}, // "甲" is in 甲公司, but not equal: create
				{"", "甲公司", "acc-1", "2017-01-01", "10.0", "", ""},
			},
			want: map[report.Action]int{report.ActionCreated: 1, report.ActionUnchanged: 1},
		},
		{
			name: "create without a key", match: "", mode: ModeCreate,
			rows: [][]string{
				{"", "甲公司", "acc-1", "", "", "", ""}, // no key: a second 甲公司
			},
			want: map[report.Action]int{report.ActionCreated: 1},
		},
		{
			name: "create collides with an existing key", match: "serviceaccount", mode: ModeCreate,
			rows: [][]string{
				{"", "甲公司", "acc-1", "", "", "", ""},
				{"", "丁公司", "acc-4", "", "", "", ""},
			},
			want: map[report.Action]int{report.ActionInvalid: 1, report.ActionSkipped: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c, _ := newSandbox(t, sandboxtest.WithFixtures([]byte(fixtures)))
			in := tempPath(t, "in.xlsx")
			writeXLSX(t, in, "", strRows(append([][]string{testHeader}, tt.rows...)), false)
			rep := tempPath(t, "report.csv")
			sum, err := Import(context.Background(), c, in, testMapping(t, tt.match), Options{Mode: tt.mode, Report: rep, SkipInvalid: false})
			if err != nil {
				t.Fatal(err)
			}
			got := map[report.Action]int{}
			for _, r := range readReport(t, rep) {
				got[r.Action]++
			}
			for a, n := range tt.want {
				if got[a] != n {
					t.Errorf("%s: %d rows, want %d (report %v, summary %+v)", a, got[a], n, got, sum)
				}
			}
			if tt.check != nil {
				byAcc := map[string][]string{}
				for _, co := range all(t, c) {
					byAcc[co.ServiceAccount] = append(byAcc[co.ServiceAccount], co.CompanyName)
				}
				tt.check(t, byAcc)
			}
		})
	}
}

func TestImportInvalidRowsWriteNothingUnlessSkipInvalid(t *testing.T) {
	rows := [][]string{testHeader,
		{"", "好公司", "acc-10", "2017-01-01", "", "", ""},
		{"", "", "acc-11", "", "", "", ""},              // companyName required
		{"", "坏日期", "acc-12", "2017-02-31", "", "", ""}, // no such day
		{"", "好公司二", "acc-13", "", "", "", ""},
	}
	for _, skip := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "skip-invalid"}[skip], func(t *testing.T) {
			_, c, cnt := newSandbox(t, sandboxtest.WithFixtures([]byte(fixtures)))
			in := tempPath(t, "in.csv")
			writeCSV(t, in, rows, "utf8")
			rep := tempPath(t, "r.csv")
			var problems strings.Builder
			sum, err := Import(context.Background(), c, in, testMapping(t, "serviceaccount"),
				Options{Report: rep, SkipInvalid: skip, Problems: &problems})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Invalid != 2 {
				t.Errorf("invalid = %d, want 2", sum.Invalid)
			}
			if !strings.Contains(problems.String(), "第 4 行 D 列（服务开始时间）：「2017-02-31」不是有效的日期") || !strings.Contains(problems.String(), "[date]") {
				t.Errorf("problems do not name the cell and rule:\n%s", problems.String())
			}
			wantWrites := map[bool]int64{false: 0, true: 2}[skip]
			if n := cnt.posts.Load() + cnt.puts.Load(); n != wantWrites {
				t.Errorf("%d writes, want %d", n, wantWrites)
			}
			rows := readReport(t, rep)
			if len(rows) != 4 || rows[1].Action != report.ActionInvalid || rows[1].Rule != "required" || rows[2].Rule != "date" {
				t.Errorf("report: %+v", rows)
			}
			wantFirst := map[bool]report.Action{false: report.ActionSkipped, true: report.ActionCreated}[skip]
			if rows[0].Action != wantFirst || rows[3].Action != wantFirst {
				t.Errorf("valid rows: %s, %s; want %s", rows[0].Action, rows[3].Action, wantFirst)
			}
		})
	}
}

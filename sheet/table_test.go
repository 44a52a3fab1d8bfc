package sheet

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func isTestHeader(cells []string) bool { return slices.Contains(cells, "公司名称") }

// writeSheets writes a workbook with the sheets in order, each with its rows; hidden names
// the sheets to hide.
func writeSheets(t *testing.T, sheets []string, rows map[string][][]any, hidden ...string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range sheets {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range rows[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			f.SetSheetRow(name, cell, &row)
		}
	}
	for _, h := range hidden {
		idx, _ := f.GetSheetIndex(h)
		f.SetActiveSheet((idx + 1) % len(sheets))
		if err := f.SetSheetVisible(h, false); err != nil {
			t.Fatal(err)
		}
	}
	path := tempPath(t, "t.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenTable(t *testing.T) {
	header := []any{"公司名称", "服务账号"}
	title := func(n int) [][]any {
		out := [][]any{}
		for i := range n {
			out = append(out, []any{"标题", i})
		}
		return out
	}
	tests := []struct {
		name      string
		sheets    []string
		rows      map[string][][]any
		hidden    []string
		o         TableOptions
		sheet     string
		headerRow int
		found     bool
		note, err string
	}{
		{"hidden first sheet skipped", []string{"旧数据", "公司"}, map[string][][]any{"旧数据": {header}, "公司": {header}}, []string{"旧数据"},
			TableOptions{}, "公司", 1, true, "", ""},
		{"first visible sheet whose header reads", []string{"说明", "客户"}, map[string][][]any{"说明": {{"填写说明"}}, "客户": {{"2024 名单"}, {}, header}}, nil,
			TableOptions{}, "客户", 3, true, `sheet "客户" is read`, ""},
		{"header at the 10th row", []string{"A"}, map[string][][]any{"A": append(title(9), header)}, nil, TableOptions{}, "A", 10, true, "", ""},
		{"header below the 10th row: not found", []string{"A"}, map[string][][]any{"A": append(title(10), header)}, nil, TableOptions{}, "A", 1, false, "", ""},
		{"one visible sheet, another named", []string{"in"}, map[string][][]any{"in": {header}}, nil, TableOptions{Sheet: "公司"}, "in", 1, true,
			`no sheet "公司": the workbook's one visible sheet "in" is read`, ""},
		{"asked for by name: refused", []string{"in"}, map[string][][]any{"in": {header}}, nil, TableOptions{Sheet: "公司", Asked: true}, "", 0, false, "",
			`no sheet "公司" (the workbook has "in")`},
		{"named, two visible: refused", []string{"a", "b"}, map[string][][]any{"a": {header}}, nil, TableOptions{Sheet: "公司"}, "", 0, false, "",
			`no sheet "公司" (the workbook has "a", "b")`},
		{"a hidden sheet asked for", []string{"旧数据", "公司"}, map[string][][]any{"旧数据": {header}, "公司": {header}}, []string{"旧数据"},
			TableOptions{Sheet: "旧数据", Asked: true}, "旧数据", 1, true, "", ""},
		{"empty", []string{"A"}, nil, nil, TableOptions{}, "", 0, false, "", "no header row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeSheets(t, tt.sheets, tt.rows, tt.hidden...)
			tt.o.IsHeader = isTestHeader
			tb, err := OpenTable(path, tt.o)
			if tt.err != "" {
				var ie *InputError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer tb.Close()
			if tb.Sheet() != tt.sheet || tb.HeaderRow != tt.headerRow || tb.Found != tt.found || !strings.Contains(tb.Note, tt.note) || (tt.note == "") != (tb.Note == "") {
				t.Errorf("sheet %q row %d found %v note %q; want %q %d %v %q", tb.Sheet(), tb.HeaderRow, tb.Found, tb.Note, tt.sheet, tt.headerRow, tt.found, tt.note)
			}
			if wantMissing := map[bool]string{true: tt.o.Sheet}[tt.o.Sheet != "" && tt.o.Sheet != tb.Sheet()]; tb.Missing != wantMissing {
				t.Errorf("missing %q, want %q", tb.Missing, wantMissing)
			}
		})
	}
}

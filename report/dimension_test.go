package report

import (
	"path/filepath"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout/dimtest"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// TestXLSXDimensions reads a workbook report as readers that trust <dimension> do: the rows
// sheet declares the input's columns, the three the report adds and every row; the notes
// sheet its lines.
func TestXLSXDimensions(t *testing.T) {
	m, err := mapping.Parse("m.yaml", []byte("version: 1\ncolumns:\n  - header: 公司名称\n    field: companyName\n  - header: 备注\n    field: serveNote\n"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.xlsx")
	r, err := NewXLSX(path, Options{Input: Input{Header: []string{"公司名称", "备注"}, Sheet: "Sheet1"}, Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	rows := []Row{
		{Row: 2, Action: ActionCreated, UID: "7", Cells: []string{"甲公司", "x"}},
		{Row: 3, Action: ActionInvalid, Cells: []string{"", "y"},
			Problems: []mapping.Problem{{Row: 3, Column: 0, Letter: "A", Header: "公司名称", Rule: "required", Message: "required"}}},
		{Row: 4, Action: ActionUnchanged, Cells: []string{"乙公司"}},
	}
	for _, row := range rows {
		if err := r.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	sheets := dimtest.Check(t, path)
	if len(sheets) != 2 || sheets[0].Dimension != "A1:E4" {
		t.Errorf("sheets %+v, want the rows sheet A1:E4 and the notes", sheets)
	}
}

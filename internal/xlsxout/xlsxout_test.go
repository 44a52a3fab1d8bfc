package xlsxout_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout"
	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout/dimtest"
)

func TestRef(t *testing.T) {
	for _, tc := range []struct {
		rows, cols int
		want       string
	}{{0, 0, "A1"}, {1, 1, "A1"}, {1, 3, "A1:C1"}, {10, 1, "A1:A10"}, {1048576, 27, "A1:AA1048576"}} {
		if got := xlsxout.Ref(tc.rows, tc.cols); got != tc.want {
			t.Errorf("Ref(%d, %d) = %q, want %q", tc.rows, tc.cols, got, tc.want)
		}
	}
}

// stream writes rows x cols cells to a new stream writer of sheet.
func stream(t *testing.T, f *excelize.File, sheet string, rows, cols int) xlsxout.Streamed {
	t.Helper()
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= rows; r++ {
		vals := make([]any, cols)
		for c := range vals {
			vals[c] = fmt.Sprintf("r%dc%d", r, c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	return xlsxout.Streamed{Writer: sw, Rows: rows, Cols: cols}
}

func TestWriteSetsEveryDimension(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "公司"); err != nil {
		t.Fatal(err)
	}
	first := stream(t, f, "公司", 1200, 7)
	if _, err := f.NewSheet("公司 2"); err != nil {
		t.Fatal(err)
	}
	second := stream(t, f, "公司 2", 1, 3) // a header only
	if _, err := f.NewSheet("说明"); err != nil {
		t.Fatal(err)
	}
	for _, cell := range []string{"A1", "A2", "D9"} {
		if err := f.SetCellStr("说明", cell, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.NewSheet("空"); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "out.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := xlsxout.Write(out, f, first, second); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}

	got := map[string]string{}
	for _, s := range dimtest.Check(t, path) {
		got[s.Part] = s.Dimension
	}
	want := map[string]string{
		"xl/worksheets/sheet1.xml": "A1:G1200",
		"xl/worksheets/sheet2.xml": "A1:C1",
		"xl/worksheets/sheet3.xml": "A1:D9",
		"xl/worksheets/sheet4.xml": "A1",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("dimensions %v, want %v", got, want)
	}

	// The content is untouched: excelize reads every cell back.
	r, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rows, err := r.GetRows("公司")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1200 || rows[1199][6] != "r1200c6" {
		t.Errorf("read back %d rows, last %v", len(rows), rows[len(rows)-1])
	}
}

func TestWriteReportsAStreamedSheetItCannotFind(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	s := stream(t, f, "Sheet1", 3, 2)
	s.Writer.SheetID = 9 // as if excelize named its parts otherwise
	err := xlsxout.Write(io.Discard, f, s)
	if err == nil || !strings.Contains(err.Error(), "sheet9.xml") {
		t.Errorf("error %v, want one naming the missing part", err)
	}
}

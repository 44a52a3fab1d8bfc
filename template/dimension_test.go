package template

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout/dimtest"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// TestTemplateDimensions reads templates as readers that trust <dimension> do: the sheet to
// fill in declares its header row, the hidden lists sheet its lists.
func TestTemplateDimensions(t *testing.T) {
	m := sampleMapping(t)
	path := filepath.Join(t.TempDir(), "t.xlsx")
	if err := Write(path, m, lang.Chinese); err != nil {
		t.Fatal(err)
	}
	first := dimtest.Check(t, path)[0]
	if first.Rows != 1 || first.Cols != len(Columns(m)) {
		t.Errorf("the template sheet holds %d rows of %d columns, want its header of %d", first.Rows, first.Cols, len(Columns(m)))
	}

	var values []string
	for i := range 80 {
		values = append(values, fmt.Sprintf("行业%02d", i))
	}
	long, err := mapping.Parse("long.yaml", []byte(`version: 1
columns:
  - header: 公司名称
    field: companyName
  - header: 行业
    field: custom.field_9
    values: [`+strings.Join(values, ", ")+`]
  - header: 地区
    field: custom.field_8
    values: ["华北,华东", 华南]
`))
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "long.xlsx")
	if err := Write(path, long, lang.Chinese); err != nil {
		t.Fatal(err)
	}
	sheets := dimtest.Check(t, path)
	if len(sheets) < 2 || sheets[0].Dimension != "A1:C1" || sheets[1].Dimension != "A1:B80" {
		t.Errorf("sheets %+v, want the template A1:C1 and its lists A1:B80", sheets)
	}
}

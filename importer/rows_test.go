package importer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/samples"
)

// TestCheckRowsSaysWhatValidateSays: the rows CheckRows hands out, and their problems, are
// those Validate counts (the console's grid is the importer's verdict, not a second one).
func TestCheckRowsSaysWhatValidateSays(t *testing.T) {
	paths, err := samples.Extract(t.TempDir(), samples.Broken, samples.Mapping)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Load(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Validate(context.Background(), paths[0], m, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, duplicates := 0, 0, 0
	table, err := CheckRows(context.Background(), paths[0], m, func(row int, cells []string, problems []mapping.Problem) error {
		rows++
		if len(problems) > 0 {
			bad++
		}
		for _, p := range problems {
			if p.Rule == RuleDuplicateKey {
				duplicates++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows != sum.Rows || bad != sum.Invalid || duplicates != 1 {
		t.Errorf("CheckRows: %d rows, %d with problems, %d duplicate keys; Validate: %d rows, %d invalid", rows, bad, duplicates, sum.Rows, sum.Invalid)
	}
	if table.HeaderRow != 1 || len(table.Header) == 0 || table.Header[1] != "公司名称" || filepath.Base(paths[0]) != samples.Broken {
		t.Errorf("table %+v", table)
	}
}

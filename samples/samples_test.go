package samples

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// TestSamplesImport proves every good sample validates with every mapping and imports into an
// empty sandbox: all rows created, and imported again, all unchanged.
func TestSamplesImport(t *testing.T) {
	for _, input := range []string{Companies, CompaniesCSV} {
		for _, mappingFile := range []string{Mapping, MappingMinimal} {
			t.Run(input+"/"+mappingFile, func(t *testing.T) {
				ctx := context.Background()
				paths, err := Extract(t.TempDir(), input, mappingFile)
				if err != nil {
					t.Fatal(err)
				}
				m, err := mapping.Load(paths[1])
				if err != nil {
					t.Fatal(err)
				}
				sum, err := importer.Validate(ctx, paths[0], m, importer.ValidateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if sum.Rows != sampleSize || sum.Invalid != 0 {
					t.Fatalf("validate: rows %d, invalid %d; want %d valid rows", sum.Rows, sum.Invalid, sampleSize)
				}
				api := newClient(t)
				sum, err = importer.Import(ctx, api, paths[0], m, importer.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if sum.Created != sampleSize || sum.Invalid+sum.Failed != 0 {
					t.Fatalf("import: %+v; want %d created", sum, sampleSize)
				}
				sum, err = importer.Import(ctx, api, paths[0], m, importer.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if sum.Unchanged != sampleSize || sum.Writes != 0 {
					t.Errorf("second import: %+v; want every row unchanged", sum)
				}
			})
		}
	}
}

// TestBrokenSample checks that broken.xlsx breaks the rules it is meant to show, one row each.
func TestBrokenSample(t *testing.T) {
	paths, err := Extract(t.TempDir(), Broken, Mapping)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Load(paths[1])
	if err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "report.csv")
	sum, err := importer.Validate(context.Background(), paths[0], m, importer.ValidateOptions{Report: report})
	if err != nil {
		t.Fatal(err)
	}
	rows := brokenCompanies()
	if sum.Rows != len(rows) || sum.Valid != 2 || sum.Invalid != len(rows)-2 {
		t.Errorf("validate: %+v; want %d rows, 2 valid", sum, len(rows))
	}
}

// TestSamplesEmbedded checks that the binary carries every sample file the folder has.
func TestSamplesEmbedded(t *testing.T) {
	var embedded []string
	fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			embedded = append(embedded, path)
		}
		return err
	})
	for _, name := range []string{Companies, CompaniesCSV, Broken, Mapping, MappingMinimal, Readme} {
		if !slices.Contains(embedded, name) {
			t.Errorf("%s is not embedded", name)
		}
	}
}

func newClient(t *testing.T) *bangwo8.Client {
	t.Helper()
	srv := sandboxtest.NewServer(t)
	c, err := bangwo8.NewClient(srv.URL, bangwo8.WithBasicAuth(srv.Account, srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

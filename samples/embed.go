// Package samples carries the sample spreadsheets and mapping files inside the binary, so that
// `bangwo8-etl demo` works on a machine that has nothing but the binary. README.md (in this
// folder) says which file is for what; gen_test.go rebuilds the spreadsheets.
package samples

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
)

// The sample files by name.
const (
	Companies      = "companies.xlsx"       // 50 companies, every field and custom field shape
	CompaniesCSV   = "companies.csv"        // the same companies, CSV UTF-8 with BOM
	Broken         = "broken.xlsx"          // rows that each break a rule, for validate and its report
	Mapping        = "mapping.yaml"         // the mapping of every column of the samples
	MappingMinimal = "mapping-minimal.yaml" // name and service account only
	Readme         = "README.md"
	Guide          = "说明.txt" // a short guide in Chinese and English, for `bangwo8-etl samples`
)

// Names names every sample file, mapping files first.
func Names() []string {
	return []string{Mapping, MappingMinimal, Companies, CompaniesCSV, Broken, Readme, Guide}
}

// FS holds the sample files at its root.
//
//go:embed companies.xlsx companies.csv broken.xlsx mapping.yaml mapping-minimal.yaml README.md 说明.txt
var FS embed.FS

// Extract writes the named sample files into dir (created if needed) and returns their paths,
// in the order given. An existing file of the same name is replaced.
func Extract(dir string, names ...string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	paths := make([]string, len(names))
	for i, name := range names {
		data, err := FS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("samples: %w", err)
		}
		paths[i] = filepath.Join(dir, name)
		if err := os.WriteFile(paths[i], data, 0o644); err != nil {
			return nil, fmt.Errorf("samples: %w", err)
		}
	}
	return paths, nil
}

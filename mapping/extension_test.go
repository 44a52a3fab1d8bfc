package mapping

import (
	"errors"
	"strings"
	"testing"
)

const extColumns = `version: 1
match: uId
columns:
  - {header: 公司ID, field: uId}
  - {header: 型号, field: custom.company_model}
  - {header: 资产ID, field: custom.company_asset}
  - {header: 区域, field: custom.region, type: cascade}
`

func TestExtensionBlock(t *testing.T) {
	tests := []struct {
		name string
		ext  string
		errs []string // substrings of the file error, each with its line:column
	}{
		{"parameters", `extension:
  tableName: devices
  cPara: model:company_model,_id:company_asset
  filter: "ownerType:company,owner:{ {company.companyId} }"
  pick: first
`, nil},
		{"url", `extension:
  url: https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableId=7&cPara=_id%3Acompany_asset
  pick: last
`, nil},
		{"missing table and cPara", "extension:\n  filter: ownerType:company\n",
			[]string{":9:3: extension: tableId: tableId or tableName is required", ":9:3: extension: cPara: cPara is required"}},
		{"bad ownerType at its line", "extension:\n  tableName: d\n  cPara: _id:company_asset\n  filter: ownerType:user\n",
			[]string{`:11:11: extension: filter "ownerType:user": ownerType must be contacter or company; fix: write ownerType:company`}},
		{"target without column", "extension:\n  tableName: d\n  cPara: _id:company_x\n",
			[]string{`:10:10: extension: cPara "_id:company_x": no column maps custom.company_x, the target of cPara; fix: add a column with field: custom.company_x (type text)`}},
		{"target not text", "extension:\n  tableName: d\n  cPara: x:region\n",
			[]string{`type cascade: the extension fills single-line text fields only`}},
		{"unknown key", "extension:\n  tableName: d\n  cPara: _id:company_asset\n  tablename: x\n",
			[]string{`:11:3: unknown key "tablename" (did you mean "tableName"?)`}},
		{"url and parameters", "extension:\n  url: tableName=d&cPara=_id:company_asset\n  tableName: e\n",
			[]string{`extension: give url or the parameters`}},
		{"bad pick", "extension:\n  tableName: d\n  cPara: _id:company_asset\n  pick: any\n",
			[]string{`:11:9: extension: pick "any": must be error, first or last`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte(extColumns+tt.ext))
			if len(tt.errs) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if m.Extension == nil || len(m.Extension.Config.CPara) == 0 {
					t.Fatalf("extension = %+v", m.Extension)
				}
				return
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FileError", err)
			}
			for _, want := range tt.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

func TestExtensionWarningsKept(t *testing.T) {
	m, err := Parse("m.yaml", []byte(extColumns+"extension:\n  tableId: 7\n  tableName: d\n  cPara: _id:company_asset\n  filter: owner:5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(m.Extension.Warnings); got != 2 {
		t.Fatalf("warnings = %v", m.Extension.Warnings)
	}
	if m.WithCustomColumns("k").Extension != m.Extension {
		t.Fatal("WithCustomColumns dropped the extension")
	}
}

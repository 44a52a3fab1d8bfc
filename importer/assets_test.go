package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

const assetMappingYAML = `version: 1
match: uId
columns:
  - {header: 公司ID, field: uId}
  - {header: 公司名称, field: companyName, required: true}
  - {header: 设备型号, field: custom.company_model}
  - {header: 设备ID, field: custom.company_asset}
extension:
  tableName: devices
  cPara: model:company_model,_id:company_asset
  filter: "ownerType:company,owner:{ {company.companyId} },city:北京"
`

const assetCompanies = `{"companies": [
 {"uId": 101, "companyName": "甲", "custom_fields": [{"key": "company_model", "value": "old"}]},
 {"uId": 102, "companyName": "乙", "custom_fields": [{"key": "company_model", "value": "kept"}]},
 {"uId": 103, "companyName": "丙"},
 {"uId": 104, "companyName": "丁"}
]}`

// assetCSV: 101 has one Beijing asset (and one in Shanghai), 102 none, 103 two in Beijing,
// 104 one contact-owned row with its id (not a company's asset).
const assetCSV = `_id,ownerType,owner,model,city
1,company,101,X200,北京
2,company,101,X300,上海
3,company,103,A1,北京市
4,company,103,A2,北京朝阳
5,contacter,104,C1,北京
6,company,1010,Z1,北京
`

func writeAssetFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func companyFile(t *testing.T, dir string, rows ...[]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(append([][]string{{"公司ID", "公司名称", "设备型号", "设备ID"}}, rows...))
	return writeAssetFile(t, dir, "in.csv", b.String())
}

func assetEnv(t *testing.T, pick string) (*sandboxtest.Server, *bangwo8.Client, *mapping.Mapping, string) {
	t.Helper()
	srv := sandboxtest.NewServer(t, sandboxtest.WithFixtures([]byte(assetCompanies)))
	client, err := bangwo8.NewClient(srv.URL, bangwo8.WithBasicAuth(srv.Account, srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	y := assetMappingYAML
	if pick != "" {
		y += "  pick: " + pick + "\n"
	}
	m, err := mapping.Parse("m.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return srv, client, m, t.TempDir()
}

func customValues(t *testing.T, c *bangwo8.Client, uid int64) map[string]string {
	t.Helper()
	co, _, err := c.GetCompany(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range co.CustomFields {
		out[f.Key] = f.Value.String()
	}
	return out
}

func TestBackfillFillsLeavesAndRefuses(t *testing.T) {
	_, client, m, dir := assetEnv(t, "")
	in := companyFile(t, dir, []string{"101", "甲", "", ""}, []string{"102", "乙", "", ""}, []string{"103", "丙", "", ""}, []string{"104", "丁", "", ""})
	assets := writeAssetFile(t, dir, "assets.csv", assetCSV)
	report := filepath.Join(dir, "r.csv")
	var plan, problems bytes.Buffer
	sum, err := Import(context.Background(), client, in, m, Options{Assets: assets, Report: report, Plan: &plan, Problems: &problems})
	if err != nil {
		t.Fatal(err)
	}
	// 103 has two Beijing assets: invalid, so nothing is written.
	if sum.Invalid != 1 || sum.Updated != 0 || sum.Writes != 0 {
		t.Fatalf("summary %+v\n%s", sum, problems.String())
	}
	if !strings.Contains(problems.String(), "第 4 行：the extension's filter keeps 2 assets (_id 3, 4)") || !strings.Contains(problems.String(), "[asset]") {
		t.Fatalf("problems:\n%s", problems.String())
	}
	rep := readAssetReport(t, report)
	if got := rep[4]; got["rule"] != "asset" || got["action"] != "invalid" {
		t.Fatalf("row 4 report %v", got)
	}
	if got := rep[2]["asset"]; got != "_id 1: company_model=X200, company_asset=1" {
		t.Fatalf("row 2 asset %q", got)
	}
	if got := rep[3]["asset"]; got != "no asset" {
		t.Fatalf("row 3 asset %q", got)
	}
	if got := customValues(t, client, 101); got["company_model"] != "old" {
		t.Fatalf("written despite an invalid row: %v", got)
	}

	// pick: first takes _id 3 for 103; 101 gets its asset; 102 keeps its value (empty cell, no
	// asset); 104's only Beijing row is a contact's: none.
	_, client, m, dir = assetEnv(t, "first")
	in = companyFile(t, dir, []string{"101", "甲", "", ""}, []string{"102", "乙", "", ""}, []string{"103", "丙", "", ""}, []string{"104", "丁", "", ""})
	assets = writeAssetFile(t, dir, "assets.csv", assetCSV)
	plan.Reset()
	sum, err = Import(context.Background(), client, in, m, Options{Assets: assets, Plan: &plan})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Updated != 2 || sum.Unchanged != 2 || sum.Invalid != 0 {
		t.Fatalf("summary %+v\n%s", sum, plan.String())
	}
	for uid, want := range map[int64]map[string]string{
		101: {"company_model": "X200", "company_asset": "1"},
		102: {"company_model": "kept"},
		103: {"company_model": "A1", "company_asset": "3"},
		104: {},
	} {
		if got := customValues(t, client, uid); !maps.Equal(got, want) {
			t.Errorf("company %d: %v, want %v", uid, got, want)
		}
	}
	for _, line := range []string{"第 2 行：已更新 甲（公司ID 101）\n    设备型号：old → X200\n    设备ID：（空） → 1\n    资产：_id 1: company_model=X200, company_asset=1\n",
		"第 3 行：无变化 乙（公司ID 102）\n    资产：无\n", "第 4 行：已更新 丙（公司ID 103）\n    设备型号：（空） → A1\n    设备ID：（空） → 3\n    资产：_id 3: company_model=A1, company_asset=3\n"} {
		if !strings.Contains(plan.String(), line) {
			t.Errorf("plan lacks %q:\n%s", line, plan.String())
		}
	}
}

func TestBackfillNewCompanyHasNoOwner(t *testing.T) {
	_, client, m, dir := assetEnv(t, "last")
	in := companyFile(t, dir, []string{"", "新公司", "", ""})
	assets := writeAssetFile(t, dir, "assets.csv", assetCSV)
	var plan bytes.Buffer
	sum, err := Import(context.Background(), client, in, m, Options{Assets: assets, Plan: &plan, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	// No company id yet: no asset is its own (the page would show them all, and pick one
	// owned by another company).
	if sum.Created != 1 || !strings.Contains(plan.String(), "资产：无：新公司还没有公司ID") || strings.Contains(plan.String(), "_id") {
		t.Fatalf("%+v\n%s", sum, plan.String())
	}
}

func TestLoadAssetsRefusesBadTables(t *testing.T) {
	dir := t.TempDir()
	m, err := mapping.Parse("m.yaml", []byte(assetMappingYAML))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ data, want string }{
		{"model,city\nX,北京\n", "no _id column"},
		{"_id,model\n1,X\n1,Y\n", "row 3"},
		{"_id,model\nabc,X\n", `"abc" is not an asset id`},
		{"_id,model,model\n1,X,Y\n", `"model" appears twice`},
		{"", "no header row"},
	} {
		p := writeAssetFile(t, dir, "a.csv", tt.data)
		if _, err := openAssets(p, m); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.data, err, tt.want)
		}
	}
	noExt, _ := mapping.Parse("n.yaml", []byte("version: 1\ncolumns:\n  - {header: a, field: companyName}\n"))
	if _, err := openAssets(writeAssetFile(t, dir, "b.csv", "_id\n1\n"), noExt); err == nil || !strings.Contains(err.Error(), "no extension block") {
		t.Errorf("no extension: %v", err)
	}
}

// readAssetReport reads a CSV report into maps by sheet row number.
func readAssetReport(t *testing.T, path string) map[int]map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]map[string]string{}
	// The columns by their English names, whatever the report's language.
	header := lang.English.CSVReportHeader()
	for i, rec := range recs[1:] {
		row := map[string]string{}
		for j, h := range header {
			row[h] = rec[j]
		}
		if a, ok := lang.ActionOf(row["action"]); ok {
			row["action"] = a
		}
		out[i+2] = row
	}
	return out
}

// FuzzLoadAssets: any asset file is read or refused with an error, never a panic, and the rows
// it keeps all have a unique positive _id.
func FuzzLoadAssets(f *testing.F) {
	f.Add(assetCSV)
	f.Add("_id,owner\n1,\n2,x\n")
	f.Add("\uFEFF _id ,,a\n 1 ,2,3\n\n")
	m, err := mapping.Parse("m.yaml", []byte(assetMappingYAML))
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data string) {
		p := filepath.Join(dir, "a.csv")
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		x, err := openAssets(p, m)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, r := range x.rows {
			if seen[r["_id"]] || r["_id"] == "" {
				t.Fatalf("_id %q twice or empty", r["_id"])
			}
			seen[r["_id"]] = true
		}
	})
}

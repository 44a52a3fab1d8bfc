package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
)

// backfillMappingYAML fills two text fields from the asset in use that the company owns.
const backfillMappingYAML = `version: 1
match: uId
columns:
  - {header: 公司ID, field: uId}
  - {header: 设备型号, field: custom.asset_model}
  - {header: 设备ID, field: custom.asset_id}
extension:
  tableName: devices
  cPara: model:asset_model,_id:asset_id
  filter: "ownerType:company,owner:{ {company.companyId} },status:在用"
`

// backfillCase builds the companies' file and a 5-rows-per-company asset table: for company
// number i, one company-owned asset in use (none when i%10 == 0), three scrapped ones, and a
// contact-owned asset in use whose owner id equals the company's (kept out by ownerType).
func backfillCase(companies int) (in, assets string, wantModel map[int64]string, wantID map[int64]string) {
	var inB, asB bytes.Buffer
	inW, asW := csv.NewWriter(&inB), csv.NewWriter(&asB)
	_ = inW.Write([]string{"公司ID", "设备型号", "设备ID"})
	_ = asW.Write([]string{"_id", "ownerType", "owner", "model", "status"})
	wantModel, wantID = map[int64]string{}, map[int64]string{}
	id := 0
	next := func() string { id++; return strconv.Itoa(id) }
	for i := range companies {
		uid := int64(1000001 + i)
		owner := strconv.FormatInt(uid, 10)
		_ = inW.Write([]string{owner, "", ""})
		for k := range 3 {
			_ = asW.Write([]string{next(), "company", owner, fmt.Sprintf("OLD-%d-%d", i, k), "报废"})
		}
		if i%10 != 0 {
			aid := next()
			_ = asW.Write([]string{aid, "company", owner, fmt.Sprintf("M-%d", i), "在用"})
			wantModel[uid], wantID[uid] = fmt.Sprintf("M-%d", i), aid
		} else {
			_ = asW.Write([]string{next(), "company", owner, fmt.Sprintf("SPARE-%d", i), "备用"})
		}
		_ = asW.Write([]string{next(), "contacter", owner, fmt.Sprintf("C-%d", i), "在用"})
	}
	inW.Flush()
	asW.Flush()
	return inB.String(), asB.String(), wantModel, wantID
}

// TestBackfillThousandCompanies backfills 1,000 seeded companies from a 5,000-row asset table
// through the command, then reads every company back from the sandbox.
func TestBackfillThousandCompanies(t *testing.T) {
	companies := 1000
	if testing.Short() {
		companies = 100
	}
	srv := sandbox.NewTestServer(t, sandbox.WithSeed(companies, 7))
	in, assets, wantModel, wantID := backfillCase(companies)
	if n := strings.Count(assets, "\n") - 1; n != 5*companies {
		t.Fatalf("%d asset rows", n)
	}
	mappingPath := writeTemp(t, "m.yaml", backfillMappingYAML)
	inPath := writeTemp(t, "in.csv", in)
	assetsPath := writeTemp(t, "assets.csv", assets)
	report := writeTemp(t, "r.csv", "")
	env := func(k string) string {
		return map[string]string{"BANGWO8_BASE_URL": srv.URL, "BANGWO8_ACCOUNT": srv.Account, "BANGWO8_PASSWORD": srv.Password}[k]
	}
	code, out, errOut := runCLI(t, env, "import", "--in", inPath, "--mapping", mappingPath, "--assets", assetsPath,
		"--report", report, "--rps", "100000", "--burst", "1000", "--concurrency", "8", "--no-progress", "-v")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	filled := len(wantModel)
	if got := strings.Count(out, ": updated uId "); got != filled {
		t.Errorf("%d rows updated, want %d", got, filled)
	}
	if !strings.Contains(out, "row 3: updated uId 1000002: custom.asset_model,custom.asset_id [asset _id 9: asset_model=M-1, asset_id=9]") ||
		!strings.Contains(out, "row 2: unchanged uId 1000001 [asset no asset]") {
		t.Errorf("plan lines:\n%.600s", out)
	}

	client, err := bangwo8.NewClient(srv.URL, bangwo8.WithBasicAuth(srv.Account, srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for co, err := range client.AllCompanies(context.Background(), bangwo8.ListOptions{IncludeDeleted: true, PerPage: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		seen++
		got := map[string]string{}
		for _, f := range co.CustomFields {
			got[f.Key] = f.Value.String()
		}
		if got["asset_model"] != wantModel[co.UID] || got["asset_id"] != wantID[co.UID] {
			t.Errorf("company %d: asset_model %q asset_id %q, want %q %q", co.UID, got["asset_model"], got["asset_id"], wantModel[co.UID], wantID[co.UID])
		}
	}
	if seen != companies {
		t.Fatalf("%d companies read back", seen)
	}

	// A second run changes nothing: every row is unchanged.
	code, out, errOut = runCLI(t, env, "import", "--in", inPath, "--mapping", mappingPath, "--assets", assetsPath,
		"--dry-run", "--rps", "100000", "--burst", "1000", "--no-progress")
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("0 to update, %d unchanged", companies)) {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestImportAssetsNeedsExtension(t *testing.T) {
	m := writeTemp(t, "m.yaml", "version: 1\nmatch: uId\ncolumns:\n  - {header: 公司ID, field: uId}\n")
	in := writeTemp(t, "in.csv", "公司ID\n1\n")
	as := writeTemp(t, "a.csv", "_id\n1\n")
	code, _, errOut := runCLI(t, nil, "import", "--in", in, "--mapping", m, "--assets", as, "--dry-run")
	if code != exitUsage || !strings.Contains(errOut, "--assets needs an extension block") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

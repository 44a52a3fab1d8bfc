package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
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

// backfillRun is one backfill case against a seeded sandbox.
type backfillRun struct {
	srv                    *sandboxtest.Server
	companies              int
	mapping, input, assets string
	wantModel, wantID      map[int64]string
}

func newBackfillRun(t *testing.T, companies int) *backfillRun {
	t.Helper()
	b := &backfillRun{srv: sandboxtest.NewServer(t, sandboxtest.WithSeed(companies, 7)), companies: companies}
	in, assets, wantModel, wantID := backfillCase(companies)
	if n := strings.Count(assets, "\n") - 1; n != 5*companies {
		t.Fatalf("%d asset rows", n)
	}
	b.wantModel, b.wantID = wantModel, wantID
	b.mapping = writeTemp(t, "m.yaml", backfillMappingYAML)
	b.input = writeTemp(t, "in.csv", in)
	b.assets = writeTemp(t, "assets.csv", assets)
	return b
}

func (b *backfillRun) env(k string) string {
	return map[string]string{"BANGWO8_BASE_URL": b.srv.URL, "BANGWO8_ACCOUNT": b.srv.Account, "BANGWO8_PASSWORD": b.srv.Password}[k]
}

func (b *backfillRun) args(extra ...string) []string {
	return append([]string{"import", "--in", b.input, "--mapping", b.mapping, "--assets", b.assets,
		"--rps", "100000", "--burst", "1000", "--concurrency", "8", "--no-progress"}, extra...)
}

// checkPlan checks the plan printed by -v.
func (b *backfillRun) checkPlan(t *testing.T, out string) {
	t.Helper()
	if got := strings.Count(out, "：已更新 "); got != len(b.wantModel) {
		t.Errorf("%d rows updated, want %d", got, len(b.wantModel))
	}
	if !strings.Contains(out, "（公司ID 1000002）\n    设备型号：（空） → M-1\n    设备ID：（空） → 9\n    资产：_id 9: asset_model=M-1, asset_id=9\n") ||
		!strings.Contains(out, "（公司ID 1000001）\n    资产：无\n") {
		t.Errorf("plan lines:\n%.600s", out)
	}
}

// checkSandbox reads every company back and compares the backfilled fields.
func (b *backfillRun) checkSandbox(t *testing.T) {
	t.Helper()
	client, err := bangwo8.NewClient(b.srv.URL, bangwo8.WithBasicAuth(b.srv.Account, b.srv.Password))
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
		if got["asset_model"] != b.wantModel[co.UID] || got["asset_id"] != b.wantID[co.UID] {
			t.Errorf("company %d: asset_model %q asset_id %q, want %q %q", co.UID, got["asset_model"], got["asset_id"], b.wantModel[co.UID], b.wantID[co.UID])
		}
	}
	if seen != b.companies {
		t.Fatalf("%d companies read back", seen)
	}
}

// TestBackfillCommand backfills 200 seeded companies from a 1,000-row asset table through the
// command in-process, checks the sandbox, and runs again: every row is then unchanged.
func TestBackfillCommand(t *testing.T) {
	b := newBackfillRun(t, 200)
	code, out, errOut := runCLI(t, b.env, b.args("-v")...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	b.checkPlan(t, out)
	b.checkSandbox(t)
	code, out, errOut = runCLI(t, b.env, b.args("--dry-run")...)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("更新 0，无变化 %d，", b.companies)) {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestBackfillThousandCompaniesBinary backfills 1,000 seeded companies from a 5,000-row asset
// table in a process of its own, then reads every company back from the sandbox.
func TestBackfillThousandCompaniesBinary(t *testing.T) {
	b := newBackfillRun(t, 1000)
	report := filepath.Join(t.TempDir(), "report.csv")
	cmd := cliProcess(t, []string{"BANGWO8_BASE_URL=" + b.srv.URL, "BANGWO8_ACCOUNT=" + b.srv.Account, "BANGWO8_PASSWORD=" + b.srv.Password},
		b.args("-v", "--report", report)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	for line := range strings.Lines(errOut.String()) {
		if strings.Contains(line, "import done") {
			t.Log(strings.TrimSpace(line)) // the figures: rows, writes, seconds
		}
	}
	b.checkPlan(t, out.String())
	b.checkSandbox(t)
	rep, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(rep), "\uFEFF行号,处理结果,公司ID,匹配值,修改的字段,规则,问题说明,备注,资产,变更明细\n") ||
		!strings.Contains(string(rep), "\n3,已更新,1000002,1000002,\"custom.asset_model,custom.asset_id\",,,,\"_id 9: asset_model=M-1, asset_id=9\",\"第 3 行：已更新 ") {
		t.Errorf("report:\n%.400s", rep)
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

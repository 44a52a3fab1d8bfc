package main

import (
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// TestSeededSandboxRoundTrip: the seeded sandbox is the account the sample mapping
// describes. Its export with samples/mapping.yaml warns of nothing and validates with no
// invalid row, in both formats; an import of the export back changes nothing.
func TestSeededSandboxRoundTrip(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithSeed(1000, 1))
	for _, name := range []string{"seeded.xlsx", "seeded.csv"} {
		out := e.path(name)
		stderr := e.export("--out", out, "--mapping", "../../samples/mapping.yaml")
		if strings.Contains(stderr, "refuse") {
			t.Errorf("export of the seeded account warns:\n%s", stderr)
		}
		code, stderr := e.run(t.Context(), "validate", "--in", out, "--mapping", "../../samples/mapping.yaml", "--no-progress")
		if code != exitOK || !strings.Contains(stderr, "invalid=0") {
			t.Fatalf("validate %s: exit %d\n%s", name, code, stderr)
		}
	}
	code, stderr := e.run(t.Context(), "import", "--in", e.path("seeded.xlsx"), "--mapping", "../../samples/mapping.yaml", "--no-progress")
	// The soft-deleted companies (about 4%) are not exported.
	if code != exitOK || !strings.Contains(stderr, "invalid=0") || !strings.Contains(stderr, "created=0 updated=0 unchanged=9") {
		t.Errorf("import of the export: exit %d\n%s", code, stderr)
	}
}

// TestExportWarnsOfValuesTheMappingRefuses: an account whose values break the mapping's own
// rules gets a warning per column and rule, with the count, and the export is still written.
func TestExportWarnsOfValuesTheMappingRefuses(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(`{"companies": [
 {"uId": 1, "companyName": "甲", "serviceaccount": "a1", "custom_fields": [{"key": "field_2", "value": "银牌客户"}, {"key": "expect_time", "value": "2024-01-02 10:00:00"}]},
 {"uId": 2, "companyName": "乙", "serviceaccount": "a2", "custom_fields": [{"key": "field_2", "value": "金牌客户"}, {"key": "field_3", "value": "HT2021-00001"}]},
 {"uId": 3, "companyName": "丙", "custom_fields": [{"key": "field_2", "value": "重要"}]}
]}`)))
	out := e.path("bad.xlsx")
	stderr := e.export("--out", out, "--mapping", "../../samples/mapping.yaml")
	for _, want := range []string{
		"column=客户级别 rule=values companies=2",
		"column=期望时间 rule=date companies=1",
		"column=是否签约 rule=checkbox companies=1",
		"column=服务账号 rule=required companies=1",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("no warning %q:\n%s", want, stderr)
		}
	}
	code, _ := e.run(t.Context(), "validate", "--in", out, "--mapping", "../../samples/mapping.yaml", "--no-progress")
	if code != exitPartial {
		t.Errorf("validate of an export with refused values: exit %d, want %d", code, exitPartial)
	}
}

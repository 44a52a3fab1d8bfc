package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// extensionMappingYAML maps the two text fields the extension fills, and a cascade it may not.
const extensionMappingYAML = `version: 1
match: uId
columns:
  - {header: 公司ID, field: uId}
  - {header: 公司名称, field: companyName}
  - {header: 设备型号, field: custom.company_model}
  - {header: 设备ID, field: custom.company_asset}
  - {header: 区域, field: custom.region, type: cascade}
extension:
  tableName: devices
  cPara: model:company_model,_id:company_asset
  filter: "ownerType:company,owner:{ {company.companyId} }"
  display: model,city
`

// runCLI runs bangwo8-etl in-process with getenv and returns the exit code, stdout and stderr.
func runCLI(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var out, errb bytes.Buffer
	code := runTest(context.Background(), args, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb}, getenv)
	return code, out.String(), errb.String()
}

func writeTemp(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExtensionCheck(t *testing.T) {
	const page = "https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?"
	mappingPath := writeTemp(t, "m.yaml", extensionMappingYAML)
	tests := []struct {
		name string
		args []string
		code int
		want []string // substrings of stdout
	}{
		{"good url", []string{page + "tableName=devices&cPara=model:company_model,_id:company_asset&filter=ownerType:company,owner:{ {company.companyId} }"},
			exitOK, []string{"note: the cPara targets were not checked against a mapping", "ok: 0 warning(s)", "table: tableName devices", "fills: company_asset <- _id (the picked asset's id)",
				`filter: owner equals "{ {company.companyId} }"`, "display: all columns",
				"url: " + page + "tableName=devices&cPara=model:company_model,_id:company_asset&filter=ownerType:company,owner:%7B%7Bcompany.companyId%7D%7D"}},
		{"percent-encoded with both ids", []string{page + "tableId=7&tableName=devices&cPara=model%3Acompany_model&filter=model%3AX2"},
			exitOK, []string{"warning [table_both] tableName \"devices\"", "fix: give only one of them", `filter: model contains "X2"`,
				"table: tableName devices (wins over tableId 7 when they differ)"}},
		{"owner without ownerType warns", []string{"tableId=7&cPara=_id:x&filter=owner:{{user.cId}}"},
			exitOK, []string{"warning [owner_without_type]", "fix: add ownerType:contacter beside owner"}},
		{"errors exit 2", []string{page + "cPara=model&filter=ownerType:person"},
			exitUsage, []string{"error [table_required]", "error [cpara_pair] cPara \"model\"", "error [owner_type]", "    fix: "}},
		{"targets against a mapping", []string{"tableName=d&cPara=a:company_model,b:region,c:nowhere", "--mapping", mappingPath},
			exitUsage, []string{`error [cpara_target] cPara "b:region": the column "区域" is type cascade`, `"c:nowhere": the mapping has no column of custom.nowhere`}},
		{"mapping file", []string{mappingPath}, exitOK, []string{"ok: 0 warning(s)", "display: model, city"}},
		{"full-width punctuation", []string{"tableName=devices&cPara=model：company_model，_id:company_asset"},
			exitOK, []string{"warning [full_width] cPara", "fix: type half-width punctuation: cPara=model:company_model,_id:company_asset", "ok: 1 warning(s)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, nil, append([]string{"extension", "check", "--lang", "en"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestExtensionCheckInChinese: without --lang, the check speaks Chinese: what each rule asks,
// the verdict and its lines.
func TestExtensionCheckInChinese(t *testing.T) {
	code, out, _ := runCLI(t, nil, "extension", "check", "cPara=model&filter=ownerType:person")
	for _, want := range []string{"错误 [table_required]", "缺少资产表：要有 tableId 或 tableName", "错误 [cpara_pair] cPara \"model\"：cPara 的每一项要写成 资产字段:公司字段", "改法: "} {
		if code != exitUsage || !strings.Contains(out, want) {
			t.Errorf("exit %d, stdout lacks %q:\n%s", code, want, out)
		}
	}
	code, out, _ = runCLI(t, nil, "extension", "check", "tableName=devices&cPara=model:company_model&filter=model:X2")
	for _, want := range []string{"检查通过：0 个警告", "资产表：tableName devices", "填写：company_model <- model", `筛选：model 包含 "X2"`, "显示列：全部", "提示：没有对照映射文件检查"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("exit %d, stdout lacks %q:\n%s", code, want, out)
		}
	}
}

func TestExtensionCheckBadMappingFile(t *testing.T) {
	bad := strings.Replace(extensionMappingYAML, "model:company_model", "model:region", 1)
	p := writeTemp(t, "bad.yaml", bad)
	code, out, _ := runCLI(t, nil, "extension", "check", p)
	if code != exitUsage || !strings.Contains(out, "bad.yaml:11:10: error: extension: cPara") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestExtensionURL(t *testing.T) {
	mappingPath := writeTemp(t, "m.yaml", extensionMappingYAML)
	code, out, errOut := runCLI(t, nil, "extension", "url", "--mapping", mappingPath, "--base-url", "http://127.0.0.1:8080")
	const want = "http://127.0.0.1:8080/osp2016/SDK/Tables/ticketAssetTable.php?tableName=devices&cPara=model:company_model,_id:company_asset" +
		"&filter=ownerType:company,owner:%7B%7Bcompany.companyId%7D%7D&display=model,city\n"
	if code != exitOK || out != want {
		t.Fatalf("exit %d\n%q\nwant %q\n%s", code, out, want, errOut)
	}
	// The URL it prints checks clean.
	code, out, _ = runCLI(t, nil, "extension", "check", strings.TrimSpace(want))
	if code != exitOK || !strings.Contains(out, "检查通过：0 个警告") {
		t.Fatalf("check of the built URL: exit %d\n%s", code, out)
	}
	env := func(k string) string { return map[string]string{"BANGWO8_BASE_URL": "http://sandbox:1"}[k] }
	if _, out, _ := runCLI(t, env, "extension", "url", "--mapping", mappingPath); !strings.HasPrefix(out, "http://sandbox:1/osp2016/") {
		t.Fatalf("env base: %s", out)
	}
	noExt := writeTemp(t, "n.yaml", "version: 1\ncolumns:\n  - {header: 名称, field: companyName}\n")
	if code, _, errOut := runCLI(t, nil, "extension", "url", "--mapping", noExt); code != exitUsage || !strings.Contains(errOut, "no extension block") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if code, _, _ := runCLI(t, nil, "extension"); code != exitUsage {
		t.Fatalf("bare extension: exit %d", code)
	}
}

package main

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

const passwordFixtures = `{"companies": [
 {"uId": 1, "companyName": "甲公司", "serviceaccount": "acc-1", "servicepassword": "pw-of-acc-1"},
 {"uId": 2, "companyName": "乙公司", "serviceaccount": "acc-2", "servicepassword": "pw-of-acc-2"}
]}`

const passwordMappingYAML = `version: 1
match: serviceaccount
columns:
  - header: 服务账号
    field: serviceaccount
  - header: 服务密码
    field: servicepassword
`

// TestExportPasswords: the default columns leave 服务密码 out and say how to have it; with
// --include-passwords, or a mapping that names it, the file holds it, is 0600 and the log
// says so; --include-passwords with a mapping that does not name it is a usage error.
func TestExportPasswords(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(passwordFixtures)))
	withPW := e.path("with.yaml")
	withoutPW := e.path("without.yaml")
	if err := os.WriteFile(withPW, []byte(passwordMappingYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	without := strings.Replace(passwordMappingYAML, "  - header: 服务密码\n    field: servicepassword\n", "", 1)
	if err := os.WriteFile(withoutPW, []byte(without), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name     string
		args     []string
		holds    bool
		wantLine string
	}{
		{"default.xlsx", nil, false, "--include-passwords writes it"},
		{"default.csv", nil, false, "--include-passwords writes it"},
		{"asked.xlsx", []string{"--include-passwords"}, true, "readable by its owner only (mode 0600)"},
		{"asked.csv", []string{"--include-passwords"}, true, "readable by its owner only (mode 0600)"},
		{"mapped.xlsx", []string{"--mapping", withPW}, true, "readable by its owner only (mode 0600)"},
		{"mapped-too.csv", []string{"--mapping", withPW, "--include-passwords"}, true, "readable by its owner only (mode 0600)"},
		{"unmapped.csv", []string{"--mapping", withoutPW}, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := e.path(tt.name)
			stderr := e.export(append([]string{"--out", out}, tt.args...)...)
			var text string
			for _, s := range fileTexts(t, out) {
				text += s
			}
			if got := strings.Contains(text, "pw-of-acc-1") && strings.Contains(text, "pw-of-acc-2"); got != tt.holds {
				t.Errorf("file holds the passwords: %t, want %t", got, tt.holds)
			}
			if got := strings.Contains(text, "服务密码"); got != tt.holds {
				t.Errorf("file has a 服务密码 column: %t, want %t", got, tt.holds)
			}
			fi, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			want := os.FileMode(0o644)
			if tt.holds {
				want = 0o600
			}
			if fi.Mode().Perm() != want {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), want)
			}
			if tt.wantLine != "" && !strings.Contains(stderr, tt.wantLine) {
				t.Errorf("the log does not say %q:\n%s", tt.wantLine, stderr)
			}
			if tt.holds && strings.Contains(stderr, "left out") || !tt.holds && strings.Contains(stderr, "0600") {
				t.Errorf("the log says the opposite of what the file holds:\n%s", stderr)
			}
		})
	}

	// An existing 0644 file is replaced by a 0600 one, not written through.
	out := e.path("default.xlsx")
	e.export("--out", out, "--include-passwords")
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("replacing a 0644 file: mode %v, want 0600", fi.Mode().Perm())
	}

	code, stderr := e.run(context.Background(), "export", "--no-progress", "--out", e.path("refused.csv"), "--mapping", withoutPW, "--include-passwords")
	if code != exitUsage || !strings.Contains(stderr, "servicepassword") {
		t.Errorf("--include-passwords with a mapping without the column: exit %d, want %d\n%s", code, exitUsage, stderr)
	}
	entries, _ := os.ReadDir(e.dir)
	names := []string{}
	for _, de := range entries {
		names = append(names, de.Name())
	}
	if slices.Contains(names, "refused.csv") {
		t.Errorf("a refused export wrote its file: %v", names)
	}
}

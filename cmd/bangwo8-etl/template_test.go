package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestTemplateCommand(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		stderr   string
		noteWord string
	}{
		{"chinese", []string{"--mapping", "../../samples/mapping.yaml", "--out", filepath.Join(dir, "模板.xlsx")}, exitOK, "", "必填"},
		{"english", []string{"--mapping", "../../samples/mapping.yaml", "--out", filepath.Join(dir, "en.xlsx"), "--lang", "en"}, exitOK, "", "Required"},
		{"not xlsx", []string{"--mapping", "../../samples/mapping.yaml", "--out", filepath.Join(dir, "t.csv")}, exitUsage, "xlsx", ""},
		{"bad mapping", []string{"--mapping", filepath.Join(dir, "none.yaml"), "--out", filepath.Join(dir, "t.xlsx")}, exitUsage, "none.yaml", ""},
		{"no out", []string{"--mapping", "../../samples/mapping.yaml"}, exitUsage, "out", ""},
		{"no such dir", []string{"--mapping", "../../samples/mapping.yaml", "--out", filepath.Join(dir, "nodir", "t.xlsx")}, exitFailed, "nodir", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut lockedBuffer
			code := runTest(context.Background(), append([]string{"template"}, tc.args...), &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil))
			if code != tc.code || !strings.Contains(errOut.String(), tc.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d containing %q", code, errOut.String(), tc.code, tc.stderr)
			}
			if tc.code != exitOK {
				return
			}
			path := strings.TrimSpace(out.String())
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			comments, _ := f.GetComments("公司")
			found := false
			for _, c := range comments {
				found = found || strings.Contains(c.Text, tc.noteWord)
			}
			if !found {
				t.Errorf("no note says %q", tc.noteWord)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("temporary file left: %s", e.Name())
				}
			}
		})
	}
}

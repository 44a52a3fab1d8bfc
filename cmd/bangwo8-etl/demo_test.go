package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestDemo runs the demo as a newcomer would, then checks every file it says it wrote; with
// the sandbox in both shapes.
func TestDemo(t *testing.T) {
	// The demo waits for the next second (updateDT counts seconds): overlap the wait.
	t.Parallel()
	for _, shape := range serverShapes {
		t.Run(shape.name, func(t *testing.T) {
			t.Parallel()
			testDemo(t, shape.args)
		})
	}
}

func testDemo(t *testing.T, shapeArgs []string) {
	dir := filepath.Join(t.TempDir(), "演示 目录") // a path with Chinese and a space
	var out, errOut lockedBuffer
	code := runTest(context.Background(), append([]string{"demo", "--dir", dir}, shapeArgs...), &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil))
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	story := out.String()
	for _, want := range []string{"新建 50 家公司", "导出全部公司：45 家", "只导出了 1 家", "12 行中 10 行有错误", dir} {
		if !strings.Contains(story, want) {
			t.Errorf("the story lacks %q:\n%s", want, story)
		}
	}
	for _, name := range []string{demoDB, demoImportReport, demoExportXLSX, demoExportCSV, demoState, demoChanges, demoBrokenReport} {
		if !strings.Contains(story, filepath.Join(dir, name)) {
			t.Errorf("the story does not say where %s is", name)
		}
	}

	wantRows := map[string]int{demoExportXLSX: 46, demoChanges: 2, demoImportReport: 51, demoBrokenReport: 13}
	for name, want := range wantRows {
		if got := len(sheetRows(t, filepath.Join(dir, name))); got != want {
			t.Errorf("%s has %d rows, want %d (header included)", name, got, want)
		}
	}
	changed := sheetRows(t, filepath.Join(dir, demoChanges))[1]
	if !strings.Contains(strings.Join(changed, "|"), "战略") {
		t.Errorf("the incremental export's row does not carry the change: %q", changed)
	}
	data, err := os.ReadFile(filepath.Join(dir, demoExportCSV))
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\uFEFF"))).ReadAll()
	if err != nil || len(records) != 46 {
		t.Errorf("export.csv: %d records, %v; want 46", len(records), err)
	}

	// Run again in the same directory: it starts afresh and tells the same story.
	out = lockedBuffer{}
	if code := runTest(context.Background(), []string{"demo", "--dir", dir}, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil)); code != exitOK {
		t.Fatalf("second run: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "新建 50 家公司") {
		t.Errorf("second run did not start afresh:\n%s", out.String())
	}
}

func TestDemoEnglish(t *testing.T) {
	// The demo waits for the next second (updateDT counts seconds): overlap the wait.
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"flag", []string{"--lang", "en"}, nil},
		{"locale", nil, map[string]string{"LANG": "en_US.UTF-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut lockedBuffer
			args := append([]string{"demo", "--dir", t.TempDir()}, tc.args...)
			if code := runTest(context.Background(), args, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(tc.env)); code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if s := out.String(); !strings.Contains(s, "50 companies created") || strings.Contains(s, "新建") {
				t.Errorf("not in English:\n%s", s)
			}
		})
	}
}

func TestDemoBadLang(t *testing.T) {
	var out, errOut lockedBuffer
	code := runTest(context.Background(), []string{"demo", "--lang", "fr", "--dir", t.TempDir()}, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil))
	if code != exitUsage || !strings.Contains(errOut.String(), "--lang") {
		t.Errorf("exit %d, stderr %q; want 2 naming --lang", code, errOut.String())
	}
}

// sheetRows reads the first sheet of an xlsx file.
func sheetRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// TestExportRemovesLitterOfKilledRuns: the temporary file and the spool that a killed export
// left beside its output are removed by the next export there; those of a run still going
// (here: the process running this test's parent) are left alone.
func TestExportRemovesLitterOfKilledRuns(t *testing.T) {
	e := newExportEnv(t, sandboxtest.WithFixtures([]byte(exportFixtures)))
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ended := exec.Command(exe, "-test.run=^$")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	dead, alive := strconv.Itoa(ended.Process.Pid), strconv.Itoa(os.Getppid())
	litter := map[string]bool{ // name -> still there after the export
		".companies.xlsx." + dead + "-1.tmp":    false,
		".companies.xlsx." + dead + "-2.spool":  false,
		".companies.xlsx." + alive + "-3.tmp":   true,
		".companies.xlsx." + alive + "-4.spool": true,
	}
	for name := range litter {
		if err := os.WriteFile(e.path(name), make([]byte, 1<<20), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e.export("--out", e.path("companies.xlsx"))
	for name, kept := range litter {
		_, err := os.Stat(e.path(name))
		if exists := err == nil; exists != kept {
			t.Errorf("%s: exists %v, want %v", name, exists, kept)
		}
	}
	entries, _ := os.ReadDir(e.dir)
	for _, en := range entries {
		if _, planted := litter[en.Name()]; !planted && en.Name() != "companies.xlsx" {
			t.Errorf("the export left %s", filepath.Join(e.dir, en.Name()))
		}
	}
}

package atomicfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// deadPID returns the id of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestRemoveStaleRemovesOnlyDeadProcessesFilesOfItsKind(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "公司.xlsx")
	dead, self := strconv.Itoa(deadPID(t)), strconv.Itoa(os.Getpid())
	parent := strconv.Itoa(os.Getppid()) // alive: it is running this test
	files := map[string]bool{            // name -> removed
		".公司.xlsx." + dead + "-123.tmp":     true,
		".公司.xlsx." + dead + "-456.spool":   false, // another kind
		".公司.xlsx." + self + "-789.tmp":     false, // this process
		".公司.xlsx." + parent + "-1.tmp":     false, // a live process
		".其他.xlsx." + dead + "-2.tmp":       false, // beside another output
		".公司.xlsx.abc-3.tmp":                false, // no process id
		".公司.xlsx.2059741297.tmp":           false, // the old pattern: no process id
		"公司.xlsx":                           false,
		".公司.xlsx." + dead + "-4.tmp.extra": false,
	}
	for name := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removed := RemoveStale(out, "tmp")
	var want []string
	for name, gone := range files {
		if gone {
			want = append(want, name)
		}
	}
	if !slices.Equal(removed, want) {
		t.Errorf("removed %q, want %q", removed, want)
	}
	for name, gone := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if exists := err == nil; exists == gone {
			t.Errorf("%s: exists %v, want %v", name, exists, !gone)
		}
	}
}

func TestCreateCleansItsKindAndNamesItsProcess(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "export.csv")
	stale := filepath.Join(dir, ".export.csv."+strconv.Itoa(deadPID(t))+"-9.tmp")
	if err := os.WriteFile(stale, []byte("half an export"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	want := ".export.csv." + strconv.Itoa(os.Getpid()) + "-"
	if name := filepath.Base(f.Name()); len(name) <= len(want) || name[:len(want)] != want {
		t.Errorf("temporary file %q does not start with %q", name, want)
	}

	spool, err := CreateScratch(out, "spool")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	if got := filepath.Base(spool.Name()); filepath.Ext(got) != ".spool" || got[:len(want)] != want {
		t.Errorf("spool %q: want %q...spool", got, want)
	}
}

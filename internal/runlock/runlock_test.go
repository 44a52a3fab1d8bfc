package runlock

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// holdEnv makes the test binary a process that holds the lock of the file it names until it
// is killed: the other process of the tests below.
const holdEnv = "RUNLOCK_TEST_HOLD"

func TestMain(m *testing.M) {
	if file := os.Getenv(holdEnv); file != "" {
		_, err := Acquire(file, "holder for a test")
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(3)
		}
		os.Stdout.WriteString("held\n")
		time.Sleep(time.Hour) // held until killed
	}
	os.Exit(m.Run())
}

func TestSecondAcquireNamesTheHolderAndReleaseFreesIt(t *testing.T) {
	file := filepath.Join(t.TempDir(), "run.jsonl")
	l, err := Acquire(file, "bangwo8-etl import")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(file, "another")
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
		t.Fatalf("second Acquire: %v, want a *HeldError", err)
	}
	if held.Holder.PID != os.Getpid() || held.Holder.Command != "bangwo8-etl import" || held.File != file {
		t.Errorf("holder %+v of %s, want pid %d, the first command, %s", held.Holder, held.File, os.Getpid(), file)
	}
	if msg := err.Error(); !strings.Contains(msg, file) || !strings.Contains(msg, "bangwo8-etl import") {
		t.Errorf("message %q does not name the file and the holder", msg)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(Path(file)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after Release: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
	l2, err := Acquire(file, "third")
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
}

// TestKilledHolderLeavesNoStaleLock: a process killed while holding the lock (SIGKILL, no
// cleanup) leaves its lock file with its pid, and the next run takes the lock at once.
func TestKilledHolderLeavesNoStaleLock(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), holdEnv+"="+file)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "held\n" {
		t.Fatalf("holder said %q", line)
	}
	_, err = Acquire(file, "second")
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.PID != cmd.Process.Pid {
		t.Fatalf("Acquire while another process holds it: %v, want a *HeldError naming pid %d", err, cmd.Process.Pid)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(Path(file)); err != nil {
		t.Fatalf("the killed holder's lock file: %v (the test wants it left, as a kill leaves it)", err)
	}
	l, err := Acquire(file, "after the kill")
	if err != nil {
		t.Fatalf("Acquire after the holder was killed: %v", err)
	}
	l.Release()
}

// TestHolderNotYetNamed: a lock file another open holds with nothing in it yet (the holder
// has locked but not written) is refused all the same, and the message says so.
func TestHolderNotYetNamed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "j")
	f, err := os.OpenFile(Path(file), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := tryLock(f); err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(file, "x")
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.PID != 0 || !strings.Contains(err.Error(), "not yet written") {
		t.Fatalf("Acquire: %v", err)
	}
}

// FuzzHolderLine: whatever a held lock file holds (it is outside input: any program can
// write it), the run refused gets a *HeldError naming the file, and no panic.
func FuzzHolderLine(f *testing.F) {
	f.Add([]byte(`{"pid":12,"host":"h","command":"bangwo8-etl import --in a.csv","since":"2026-01-02T03:04:05Z"}` + "\n"))
	f.Add([]byte(`{"pid":-1,"since":"x"}`))
	f.Add([]byte("\x00\xff"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "j")
		holder, err := os.OpenFile(Path(file), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close()
		if err := tryLock(holder); err != nil {
			t.Fatal(err)
		}
		if _, err := holder.Write(data); err != nil {
			t.Fatal(err)
		}
		_, err = Acquire(file, "x")
		var held *HeldError
		if !errors.As(err, &held) || !strings.Contains(err.Error(), file) {
			t.Fatalf("Acquire of a held lock: %v", err)
		}
	})
}

// TestOneLockForEverySpelling: a journal named through a symbolic link, or through a linked
// directory, is the same journal: the second run is refused.
func TestOneLockForEverySpelling(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "run.jsonl")
	os.WriteFile(file, []byte("x\n"), 0o644)
	if err := os.Symlink(file, filepath.Join(dir, "link.jsonl")); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(file, "first")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if _, err := Acquire(filepath.Join(dir, "link.jsonl"), "second"); !errors.Is(err, ErrHeld) {
		t.Errorf("through a link: %v, want ErrHeld", err)
	}
	linkedDir := filepath.Join(t.TempDir(), "d")
	os.Symlink(dir, linkedDir)
	la, err := Acquire(filepath.Join(linkedDir, "new.jsonl"), "a")
	if err != nil {
		t.Fatal(err)
	}
	defer la.Release()
	if _, err := Acquire(filepath.Join(dir, "new.jsonl"), "b"); !errors.Is(err, ErrHeld) {
		t.Errorf("a file not yet made, through a linked directory: %v, want ErrHeld", err)
	}
}

// Package runlock gives a file to one run at a time: an import's journal, an export's
// incremental state. A run holds an exclusive lock on FILE.lock for as long as it uses FILE;
// a second run is refused at once with a *HeldError naming the process that holds it.
//
// The lock is the operating system's (flock on unix, LockFileEx on Windows), taken on an open
// file, not the existence of a file: the system releases it when the process ends, however it
// ends (SIGKILL, a crash, a reboot), so there is never a stale lock to detect or clean. A
// lock file that merely exists (O_EXCL with a pid inside) would need a guess at whether its
// pid is still the same process; this needs none. The lock file's content only says who
// holds it (pid, host, command, since when), for the message of the run refused.
//
// Locks are advisory and local: they bind every bangwo8-etl run on one machine, and on a
// network share only as far as that share honours them.
package runlock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// ErrHeld is what a *HeldError is (errors.Is): another run holds the file.
var ErrHeld = errors.New("in use by another run")

// Holder says who holds a lock.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host,omitempty"`
	Command string    `json:"command,omitempty"`
	Since   time.Time `json:"since"`
}

// HeldError is the refusal of a lock another run holds.
type HeldError struct {
	File   string // the file the lock guards
	Holder Holder // zero when the holder has not written its name yet
}

func (e *HeldError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return fmt.Sprintf("%s is in use by another run (it has just started and not yet written its process id to %s)", e.File, Path(e.File))
	}
	who := fmt.Sprintf("process %d", h.PID)
	if h.Host != "" {
		who += " on " + h.Host
	}
	if h.Command != "" {
		who += fmt.Sprintf(" (%s)", h.Command)
	}
	return fmt.Sprintf("%s is in use by %s since %s: one run at a time; wait for it to end or stop it",
		e.File, who, h.Since.Local().Format("2006-01-02 15:04:05"))
}

// Is makes errors.Is(err, ErrHeld) true.
func (e *HeldError) Is(target error) bool { return target == ErrHeld }

// Lock is a held lock; Release gives it back.
type Lock struct {
	f    *os.File
	path string
}

// Path is the lock file of file: FILE.lock beside it, symbolic links resolved (of file, or
// of its directory when file does not exist yet), so that two spellings of one file share
// one lock.
func Path(file string) string {
	if real, err := filepath.EvalSymlinks(file); err == nil {
		return real + ".lock"
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(file)); err == nil {
		return filepath.Join(dir, filepath.Base(file)) + ".lock"
	}
	return file + ".lock"
}

// Acquire locks file for this process, without waiting: when another run holds it, the error
// is a *HeldError. command says what the holder is doing, for the message of a run refused
// (never put a secret in it).
func Acquire(file, command string) (*Lock, error) {
	path := Path(file)
	// The holder removes the lock file when it ends; a run that opened the old file just
	// before may then lock a file no longer at the path. It notices and tries again.
	for range 10 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if err := tryLock(f); err != nil {
			held := errors.Is(err, errLocked)
			var h Holder
			if held {
				h = readHolder(f)
			}
			f.Close()
			if held {
				return nil, &HeldError{File: file, Holder: h}
			}
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !stillAt(f, path) {
			f.Close()
			continue
		}
		if err := writeHolder(f, command); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		return &Lock{f: f, path: path}, nil
	}
	return nil, fmt.Errorf("lock %s: the lock file keeps being replaced", path)
}

// Release gives the lock back and removes the lock file. It is safe to call on a nil Lock
// and more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	if removeWhileLocked {
		// Removed while held, so that no other run can have locked this file meanwhile.
		_ = os.Remove(l.path)
		return f.Close() // closing releases the lock
	}
	err := f.Close()
	// Windows refuses to remove a file another process has open: a run that is locking it
	// keeps it, which is what it needs.
	_ = os.Remove(l.path)
	return err
}

// stillAt reports whether f is the file at path.
func stillAt(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

func writeHolder(f *os.File, command string) error {
	host, _ := os.Hostname()
	b, err := json.Marshal(Holder{PID: os.Getpid(), Host: host, Command: command, Since: time.Now().Truncate(time.Second)})
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err = f.WriteAt(append(b, '\n'), 0)
	return err
}

// readHolder reads who holds f; the zero Holder when it has not said yet (or says nonsense).
func readHolder(f *os.File) Holder {
	var h Holder
	b, err := io.ReadAll(io.LimitReader(io.NewSectionReader(f, 0, 4096), 4096))
	if err == nil {
		_ = json.Unmarshal(b, &h)
	}
	return h
}

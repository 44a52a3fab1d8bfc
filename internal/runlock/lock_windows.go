//go:build windows

package runlock

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// errLocked is tryLock's error when another open file holds the lock.
var errLocked = errors.New("locked")

// removeWhileLocked: Windows cannot remove a file that is open; the lock file is removed
// after it is closed, when no other run has it open.
const removeWhileLocked = false

// lockOffset is where the locked byte lies: far past the holder's line, because Windows
// keeps other processes from reading a locked range, and the next run reads that line.
const lockOffset = 1 << 40

// tryLock takes LockFileEx's exclusive lock of one byte of f, or fails at once with
// errLocked. The lock belongs to the handle, and the system releases it when the process ends.
func tryLock(f *os.File) error {
	ol := &windows.Overlapped{Offset: uint32(lockOffset & 0xffffffff), OffsetHigh: uint32(lockOffset >> 32)}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return errLocked
	}
	return err
}

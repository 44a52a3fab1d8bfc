//go:build unix

package runlock

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// errLocked is tryLock's error when another open file holds the lock.
var errLocked = errors.New("locked")

// removeWhileLocked: unix removes an open file; the name goes, the lock stays until close.
const removeWhileLocked = true

// tryLock takes flock's exclusive lock on f, or fails at once with errLocked. flock locks
// belong to the open file, not the process: two opens in one process exclude each other too.
func tryLock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return errLocked
		}
		return err
	}
}

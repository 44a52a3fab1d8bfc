//go:build !unix && !windows

package runlock

import (
	"errors"
	"os"
)

var errLocked = errors.New("locked")

const removeWhileLocked = true

// tryLock refuses: this system has no file lock this package knows, and a run that cannot
// be alone must not start.
func tryLock(*os.File) error {
	return errors.New("file locks are not supported on this system")
}

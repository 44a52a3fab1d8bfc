package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Temporary files carry the id of the process that made them, ".NAME.PID-RANDOM.KIND", so
// that the next run writing NAME can tell its own kind of litter left by a killed process
// from the files of a run still going, and remove only the former. A killed run thus leaves
// at most one file of each kind beside each output, until the next run there.

// scratchPattern is the os.CreateTemp pattern of a temporary file of kind beside path.
func scratchPattern(path, kind string) string {
	return "." + filepath.Base(path) + "." + strconv.Itoa(os.Getpid()) + "-*." + kind
}

// CreateScratch creates a temporary file of kind ("spool", ...) beside path, for data a
// run needs while it writes path, after removing the ones that dead processes left there. The
// caller closes and removes it.
func CreateScratch(path, kind string) (*os.File, error) {
	RemoveStale(path, kind)
	f, err := os.CreateTemp(filepath.Dir(path), scratchPattern(path, kind))
	if err != nil {
		return nil, fmt.Errorf("create a temporary file beside %s: %w", path, err)
	}
	return f, nil
}

// RemoveStale removes the temporary files of kind beside path that processes no longer
// running left behind, and returns their names. Files of live processes, and files it
// cannot attribute to a process, are left alone. Failing to remove one is not an error: it
// is litter, and the next run tries again.
func RemoveStale(path, kind string) []string {
	dir, prefix := filepath.Dir(path), "."+filepath.Base(path)+"."
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		rest, ok = strings.CutSuffix(rest, "."+kind)
		if !ok {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		if os.Remove(filepath.Join(dir, name)) == nil {
			removed = append(removed, name)
		}
	}
	return removed
}

// Package atomicfile writes a file that appears under its name only when complete: the bytes go
// to a temporary file in the same directory (so the final rename cannot cross file systems),
// which is synced, closed and renamed over the name. A failed or abandoned write leaves the
// name as it was and no temporary file behind; one that a killed process left is removed by
// the next write of the same name (see RemoveStale).
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is a file being written; it becomes path on Commit.
type File struct {
	*os.File
	path string
	perm os.FileMode
	done bool
}

// Create starts a file that will become path, readable by everyone who may read the directory
// (0644: exports, reports, templates, state).
func Create(path string) (*File, error) { return CreateMode(path, 0o644) }

// CreateMode starts a file that will become path with the permission bits perm: 0600 for a
// file that holds secrets. The file is 0600 while it is written whatever perm says, so a
// secret is never readable by others, not even for a moment.
func CreateMode(path string, perm os.FileMode) (*File, error) {
	RemoveStale(path, "tmp")
	f, err := os.CreateTemp(filepath.Dir(path), scratchPattern(path, "tmp"))
	if err != nil {
		return nil, fmt.Errorf("create a temporary file beside %s: %w", path, err)
	}
	return &File{File: f, path: path, perm: perm}, nil
}

// Path is the name the file will have once committed.
func (f *File) Path() string { return f.path }

// Commit syncs and closes the file and renames it to its path. On error the temporary file is
// removed. Commit after Commit or Abort does nothing.
func (f *File) Commit() (err error) {
	if f.done {
		return nil
	}
	f.done = true
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.File.Close()
			os.Remove(tmp)
			err = fmt.Errorf("write %s: %w", f.path, err)
		}
	}()
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	// CreateTemp makes 0600; the file gets the permissions asked for only now it is whole.
	if err = os.Chmod(tmp, f.perm); err != nil {
		return err
	}
	if err = os.Rename(tmp, f.path); err != nil {
		return err
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// Abort closes and removes the temporary file; path is left as it was. Abort after Commit does
// nothing, so `defer f.Abort()` is safe.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.Name())
}

// Write creates path from what write puts into the file, atomically: on any error, from write
// or from committing, path is left as it was.
func Write(path string, write func(f *os.File) error) error {
	return WriteMode(path, 0o644, write)
}

// WriteMode is Write with the permission bits of the file (see CreateMode).
func WriteMode(path string, perm os.FileMode, write func(f *os.File) error) error {
	f, err := CreateMode(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := write(f.File); err != nil {
		return err
	}
	return f.Commit()
}

// syncDir makes the rename durable where the platform allows it; failing to is not an error
// (the file is in place either way).
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	defer d.Close()
	_ = d.Sync()
}

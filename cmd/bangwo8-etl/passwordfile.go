package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
)

// maxPasswordFileBytes bounds what --password-file reads: a password is a line, and a path
// such as /dev/zero or a log file given by mistake must not be read into memory whole.
const maxPasswordFileBytes = 4 << 10

// readPasswordFile returns the password held in path: its first and only line, without a
// UTF-8 byte order mark (Windows Notepad writes one) or the line ending. warn is told when
// the file can be read by other users, so that a person fixes its mode.
func readPasswordFile(path string, warn func(msg string, args ...any)) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading --password-file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("reading --password-file %s: %w", path, err)
	}
	if info.IsDir() {
		return "", fmt.Errorf("--password-file %s is a directory, not a file holding the password", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPasswordFileBytes+1))
	if err != nil {
		return "", fmt.Errorf("reading --password-file %s: %w", path, err)
	}
	if len(b) > maxPasswordFileBytes {
		return "", fmt.Errorf("--password-file %s holds more than %d bytes: a password file holds the password alone, on one line", path, maxPasswordFileBytes)
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	b = bytes.TrimRight(b, "\r\n")
	switch {
	case len(b) == 0:
		return "", fmt.Errorf("--password-file %s is empty", path)
	case bytes.ContainsAny(b, "\r\n"):
		return "", fmt.Errorf("--password-file %s holds more than one line: a password file holds the password alone, on one line", path)
	case bytes.IndexByte(b, 0) >= 0:
		return "", fmt.Errorf("--password-file %s holds NUL bytes: it is not a text file holding the password", path)
	}
	if readableByOthers(info.Mode()) {
		warn("the password file can be read by other users of this machine; make it private with chmod 600",
			"file", path, "mode", fmt.Sprintf("%#o", info.Mode().Perm()))
	}
	return string(b), nil
}

// readableByOthers reports whether a regular file's mode lets its group or anyone else read
// it. Windows has no such bits (its ACLs are not modes), so it never says so there.
func readableByOthers(mode fs.FileMode) bool {
	return runtime.GOOS != "windows" && mode.IsRegular() && mode.Perm()&0o044 != 0
}

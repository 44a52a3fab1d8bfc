package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadPasswordFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // not narrowed by the umask
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name     string
		path     string
		want     string
		wantErr  string // a part of the error; "" for success
		wantWarn bool
	}{
		{"plain line", write("plain", "s3cret\n", 0o600), "s3cret", "", false},
		{"no newline", write("bare", "s3cret", 0o600), "s3cret", "", false},
		{"Notepad: BOM and CRLF", write("bom", "\uFEFFs3cret\r\n", 0o600), "s3cret", "", false},
		{"spaces are the password's", write("spaces", " s3 cret \n", 0o600), " s3 cret ", "", false},
		{"readable by others", write("shared", "s3cret\n", 0o644), "s3cret", "", runtime.GOOS != "windows"},
		{"empty", write("empty", "\n", 0o600), "", "is empty", false},
		{"two lines", write("two", "s3cret\nother\n", 0o600), "", "more than one line", false},
		{"NUL bytes", write("nul", "s3\x00cret", 0o600), "", "NUL", false},
		{"too large", write("large", strings.Repeat("x", maxPasswordFileBytes+1), 0o600), "", "more than 4096 bytes", false},
		{"a directory", dir, "", "is a directory", false},
		{"missing", filepath.Join(dir, "nope"), "", "no such file", false},
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		tests = append(tests, struct {
			name     string
			path     string
			want     string
			wantErr  string
			wantWarn bool
		}{"endless /dev/zero", "/dev/zero", "", "more than 4096 bytes", false})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			warned := false
			got, err := readPasswordFile(tt.path, func(string, ...any) { warned = true })
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
			case got != tt.want:
				t.Fatalf("password %q, want %q", got, tt.want)
			case warned != tt.wantWarn:
				t.Fatalf("warned %v, want %v", warned, tt.wantWarn)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("the error shows the file's content: %v", err)
			}
		})
	}
}

// TestPasswordFileThroughTheBinary: a password file saved by Notepad (BOM, CRLF) works, and a
// file that is no password file is a usage error (exit 2) at once.
func TestPasswordFileThroughTheBinary(t *testing.T) {
	e := newExportEnv(t)
	env := func(k string) string {
		if k == "BANGWO8_PASSWORD" {
			return ""
		}
		return e.getenv(k)
	}
	run := func(pwFile string) (int, string) {
		var out, errb bytes.Buffer
		code := runTest(context.Background(), []string{"export", "--out", e.path("out.csv"), "--password-file", pwFile, "--no-progress"},
			&IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb}, env)
		return code, errb.String()
	}
	notepad := e.path("pw.txt")
	if err := os.WriteFile(notepad, []byte("\uFEFF"+e.srv.Password+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := run(notepad); code != exitOK {
		t.Fatalf("BOM and CRLF: exit %d\n%s", code, stderr)
	}
	large := e.path("big.txt")
	if err := os.WriteFile(large, bytes.Repeat([]byte("x"), 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := run(large); code != exitUsage || !strings.Contains(stderr, "more than 4096 bytes") {
		t.Fatalf("a 1 MiB file: exit %d, want %d with the reason\n%s", code, exitUsage, stderr)
	}
}

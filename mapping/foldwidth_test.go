package mapping

import (
	"testing"

	"golang.org/x/text/width"
)

// FuzzFoldWidth checks foldWidth's shortcut for ASCII against the transformer.
func FuzzFoldWidth(f *testing.F) {
	for _, s := range []string{"123", "１２３", "a b\t~\x00\x7f", "Ａ-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := foldWidth(s), width.Narrow.String(s); got != want {
			t.Fatalf("foldWidth(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestFoldWidthEveryASCIIByte(t *testing.T) {
	b := make([]byte, 128)
	for i := range b {
		b[i] = byte(i)
	}
	if got, want := foldWidth(string(b)), width.Narrow.String(string(b)); got != want {
		t.Errorf("foldWidth of ASCII = %q, want %q", got, want)
	}
}

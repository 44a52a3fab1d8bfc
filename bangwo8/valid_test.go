package bangwo8

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzValidMatchesEncodingJSON checks valid against json.Valid.
func FuzzValidMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{
		vendorExample, `{"companies": [` + vendorExample + `]}`, ``, ` `, `null`, `nul`, `true `, ` false`, `[]`, `{}`, `[1,]`, `{"a":1,}`,
		`{"a" 1}`, `{1: 2}`, `"\u00e9\n\"\\\/\b\f\r\t"`, `"\u00g0"`, `"\x"`, "\"a\x01\"", "\"\xff\xfe\"", `-0.5e+10`, `-`, `01`, `1.`,
		`1e`, `.5`, `1E-0`, `[1 2]`, `{"a":[{"b":null}]}x`, `"unterminated`, `[[[[]]]]`, "\t[ 1 ,\r\n 2 ]\n", `tru`, `nulll`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := valid(b), json.Valid(b); got != want {
			t.Fatalf("valid(%q) = %v, json.Valid %v", b, got, want)
		}
	})
}

func TestValidDepth(t *testing.T) {
	for _, n := range []int{9999, 10000, 10001, 20000} {
		for _, open := range []string{"[", `{"a":`} {
			close := map[string]string{"[": "]", `{"a":`: "}"}[open]
			b := []byte(strings.Repeat(open, n) + "1" + strings.Repeat(close, n))
			if got, want := valid(b), json.Valid(b); got != want {
				t.Errorf("%d levels of %s: valid %v, json.Valid %v", n, open, got, want)
			}
		}
	}
}

func BenchmarkValidPage(b *testing.B) {
	page := []byte(`{"companies": [` + strings.TrimSuffix(strings.Repeat(vendorExample+",", 1000), ",") + `]}`)
	b.SetBytes(int64(len(page)))
	b.Run("valid", func(b *testing.B) {
		for b.Loop() {
			if !valid(page) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		for b.Loop() {
			if !json.Valid(page) {
				b.Fatal("invalid")
			}
		}
	})
}

package mapping

import "testing"

func TestEscapeFormula(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+86 138", "'+86 138"},
		{"-abc", "'-abc"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'=x", "''=x"}, // a real apostrophe survives the round trip
		{"''=x", "'''=x"},
		{"'abc", "'abc"},
		{"it's", "it's"},
		{"abc=1", "abc=1"},
		{"", ""},
		{"'", "'"},
		{"公司", "公司"},
	}
	for _, tt := range tests {
		if got := EscapeFormula(tt.in); got != tt.want {
			t.Errorf("EscapeFormula(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := UnescapeFormula(EscapeFormula(tt.in)); got != tt.in {
			t.Errorf("UnescapeFormula(EscapeFormula(%q)) = %q", tt.in, got)
		}
	}
	// What people type by hand: an apostrophe before a non-trigger is kept.
	for in, want := range map[string]string{"'=1+1": "=1+1", "'abc": "'abc", "'": "'", "'-5": "-5"} {
		if got := UnescapeFormula(in); got != want {
			t.Errorf("UnescapeFormula(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzFormula(f *testing.F) {
	for _, s := range []string{"=1", "'=1", "''@", "abc", "'", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := EscapeFormula(s)
		if UnescapeFormula(e) != s {
			t.Fatalf("round trip of %q gave %q", s, UnescapeFormula(e))
		}
		if len(e) > 0 && formulaTrigger(e[0]) {
			t.Fatalf("EscapeFormula(%q) = %q still starts with a formula trigger", s, e)
		}
	})
}

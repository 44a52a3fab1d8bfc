package main

import (
	"context"
	"strings"
	"testing"
)

// TestHelpShowsExamplesAndDefaults: the help of every ops command shows a copy-paste example,
// and a flag with a default says it.
func TestHelpShowsExamplesAndDefaults(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		want []string
	}{
		{"demo", []string{"bangwo8-etl demo --dir", "default: a new directory under"}},
		{"template", []string{"bangwo8-etl template --mapping samples/mapping.yaml --out", "--lang"}},
		{"validate", []string{"bangwo8-etl validate --in", `(default 100)`}},
		{"import", []string{"bangwo8-etl import --in", "--dry-run", `(default 4)`}},
		{"export", []string{"bangwo8-etl export --out", `(default 500)`, `(default "utf8-bom")`}},
		{"sandbox", []string{"bangwo8-etl sandbox --db", `(default "127.0.0.1:8080")`}},
		{"extension check", []string{"bangwo8-etl extension check 'https://"}},
		{"extension url", []string{"bangwo8-etl extension url --mapping"}},
		{"undo", []string{"bangwo8-etl undo --journal", "--dry-run", "--yes"}},
		{"", []string{"bangwo8-etl demo", `(default "text")`}},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			var out, errOut lockedBuffer
			args := []string{"--help"}
			if tc.cmd != "" {
				args = append(strings.Fields(tc.cmd), "--help")
			}
			code := runTest(context.Background(), args, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errOut}, envOf(nil))
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			help := out.String()
			if !strings.Contains(help, "Examples:") {
				t.Errorf("no Examples section:\n%s", help)
			}
			for _, w := range tc.want {
				if !strings.Contains(help, w) {
					t.Errorf("help lacks %q:\n%s", w, help)
				}
			}
		})
	}
}

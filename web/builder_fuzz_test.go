package web

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bangwo8-etl/bangwo8-etl/samples"
)

// FuzzBuildMappingHeader: a sheet's header, whatever it holds, goes into the mapping built
// for it as that header and nothing more (no YAML of its own: a header is outside input).
func FuzzBuildMappingHeader(f *testing.F) {
	for _, s := range []string{"公司名称", "a: b", "x\nfield: uId", `"quoted"`, "# not a comment", "- [list]", "{a: 1}", "  padded  ", "\u2028", "'", "\\"} {
		f.Add(s)
	}
	base := builtinMappings()[samples.Mapping]
	f.Fuzz(func(t *testing.T, header string) {
		if !utf8.ValidString(header) || strings.TrimSpace(header) == "" {
			return // the sheet reader gives text; an empty header names no column
		}
		data, err := buildMapping(base, []builderColumn{{Header: header, Field: "companyName"}, {Header: "账号", Field: "serviceaccount"}})
		if err != nil {
			t.Fatal(err)
		}
		mf, err := parseMapping("built.yaml", data)
		if err != nil {
			if strings.Contains(err.Error(), "header") {
				return // a header the mapping refuses (a control character, the other column's header)
			}
			t.Fatalf("%q: %v\n%s", header, err, data)
		}
		if len(mf.m.Columns) != 2 || mf.m.Columns[0].Field != "companyName" || mf.m.Columns[1].Header != "账号" {
			t.Fatalf("%q built\n%s", header, data)
		}
		if got := mf.m.Columns[0].Header; got != header && got != strings.TrimSpace(header) {
			t.Fatalf("header %q came back as %q", header, got)
		}
	})
}

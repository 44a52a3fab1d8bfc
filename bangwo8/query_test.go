package bangwo8

import (
	"strings"
	"testing"
	"unicode"
)

func TestQueryBuild(t *testing.T) {
	tests := []struct {
		name    string
		q       Query
		want    string
		wantErr string
	}{
		{"name", Query{}.Name("金万维"), "companyName:金万维", ""},
		{"account", Query{}.Account("gnkefu"), "serviceaccount:gnkefu", ""},
		{"custom", Query{}.Custom("field_1", "454"), "field_1:454", ""},
		{"named custom key", Query{}.Custom("expect_time", "2024"), "expect_time:2024", ""},
		{"word and date", Query{}.Word("132").Created(OpAfter, "2017-07-03"), "132 createDT>2017-07-03", ""},
		{"every operator", Query{}.Created(OpBefore, "2017-09-01").Created(OpOnOrBefore, "2017-09-01").
			Updated(OpOn, "2017-09-01").Updated(OpOnOrAfter, "2017-09-01").Updated(OpAfter, "2017-09-01"),
			"createDT<2017-09-01 createDT<=2017-09-01 updateDT:2017-09-01 updateDT>=2017-09-01 updateDT>2017-09-01", ""},
		{"the brief's example", Query{}.Name("金万维").Account("x").Custom("field_1", "454").
			Created(OpAfter, "2017-07-01").Updated(OpOnOrAfter, "2018-01-01").Word("132"),
			"companyName:金万维 serviceaccount:x field_1:454 createDT>2017-07-01 updateDT>=2018-01-01 132", ""},
		{"no terms", Query{}, "", "no terms"},
		{"space in a name", Query{}.Name("金 万维"), "", "white space"},
		{"full-width space", Query{}.Name("金\u3000万维"), "", "white space"},
		{"tab in an account", Query{}.Account("a\tb"), "", "white space"},
		{"empty value", Query{}.Name(""), "", "empty"},
		{"control character", Query{}.Name("a\x00b"), "", "control"},
		{"bad custom key", Query{}.Custom("field 1", "x"), "", "custom field key"},
		{"empty custom key", Query{}.Custom("", "x"), "", "custom field key"},
		{"bad date", Query{}.Created(OpAfter, "2017-7-1"), "", `createDT "2017-7-1"`},
		{"bad operator", Query{}.Updated("=>", "2017-07-01"), "", "operator"},
		{"word that is a term", Query{}.Word("createDT>2017-01-01"), "", "would make it a term"},
		{"every error reported", Query{}.Name("a b").Word("").Created("?", "x"), "", "companyName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.q.Build()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Build() = %q, %v; want error %q", got, err, tt.wantErr)
				}
				if !strings.HasPrefix(tt.q.String(), "!(") {
					t.Errorf("String() of an invalid query = %q", tt.q.String())
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Build() = %q, %v; want %q", got, err, tt.want)
			}
			if tt.q.String() != tt.want {
				t.Errorf("String() = %q", tt.q.String())
			}
		})
	}
}

func TestQueryErrorsAreAllReported(t *testing.T) {
	_, err := Query{}.Name("a b").Word("").Created("?", "x").Build()
	for _, want := range []string{"companyName", "word", "operator"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

// Query is a value: two queries grown from one base must not share terms.
func TestQueryBranchesDoNotAlias(t *testing.T) {
	base := Query{}.Name("a").Account("b").Word("c") // capacity left over after 3 appends
	left := base.Word("left")
	right := base.Word("right")
	if l, r := left.String(), right.String(); l != "companyName:a serviceaccount:b c left" || r != "companyName:a serviceaccount:b c right" {
		t.Fatalf("branches = %q, %q", l, r)
	}
	if base.String() != "companyName:a serviceaccount:b c" {
		t.Fatalf("base changed: %q", base.String())
	}
}

func FuzzQueryBuilder(f *testing.F) {
	f.Add("金万维", "gnkefu", "field_1", "454", "2017-07-01", "132")
	f.Add("a b", "", "bad key", "x\ty", "2017-13-01", "a:b")
	f.Fuzz(func(t *testing.T, name, account, key, value, day, word string) {
		q := Query{}.Name(name).Account(account).Custom(key, value).
			Created(OpOnOrAfter, day).Updated(OpBefore, day).Word(word)
		s, err := q.Build()
		if err != nil {
			if s != "" {
				t.Fatalf("Build returned %q with error %v", s, err)
			}
			return
		}
		// A built query is exactly six terms, none with white space, in the order given.
		terms := strings.Split(s, " ")
		if len(terms) != 6 {
			t.Fatalf("query %q has %d terms, want 6", s, len(terms))
		}
		for _, term := range terms {
			if term == "" || strings.IndexFunc(term, unicode.IsSpace) >= 0 {
				t.Fatalf("query %q has a bad term %q", s, term)
			}
		}
		want := []string{"companyName:" + name, "serviceaccount:" + account, key + ":" + value,
			"createDT>=" + day, "updateDT<" + day, word}
		for i := range want {
			if terms[i] != want[i] {
				t.Fatalf("term %d = %q, want %q", i, terms[i], want[i])
			}
		}
	})
}

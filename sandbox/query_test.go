package sandbox

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in   string
		want []queryTerm
	}{
		{"132", []queryTerm{{Kind: termNameContains, Value: "132"}}},
		{"companyName:金万维", []queryTerm{{Kind: termNameContains, Value: "金万维"}}},
		// Without : < or > a word is a name search, even one that looks like a field.
		{"createDT", []queryTerm{{Kind: termNameContains, Value: "createDT"}}},
		{"updateDT=2017-01-01", []queryTerm{{Kind: termNameContains, Value: "updateDT=2017-01-01"}}},
		{"companyname:金万维", []queryTerm{{Kind: termNameContains, Value: "金万维"}}},
		{"serviceaccount:xxx", []queryTerm{{Kind: termAccountEquals, Value: "xxx"}}},
		{"field_1:454", []queryTerm{{Kind: termCustomContains, Key: "field_1", Value: "454"}}},
		{"expect_time:2021-04-01", []queryTerm{{Kind: termCustomContains, Key: "expect_time", Value: "2021-04-01"}}},
		{"field_1:a:b", []queryTerm{{Kind: termCustomContains, Key: "field_1", Value: "a:b"}}},
		{"createDT>2017-07-01", []queryTerm{{Kind: termCreated, Op: opAfter, Day: day("2017-07-01")}}},
		{"createDT<2017-09-01", []queryTerm{{Kind: termCreated, Op: opBefore, Day: day("2017-09-01")}}},
		{"createDT:2017-09-01", []queryTerm{{Kind: termCreated, Op: opOn, Day: day("2017-09-01")}}},
		{"createDT>=2017-09-01", []queryTerm{{Kind: termCreated, Op: opFrom, Day: day("2017-09-01")}}},
		{"updateDT<=2017-09-01", []queryTerm{{Kind: termUpdated, Op: opThrough, Day: day("2017-09-01")}}},
		{"companyName:金万维  createDT>2017-07-01", []queryTerm{
			{Kind: termNameContains, Value: "金万维"}, {Kind: termCreated, Op: opAfter, Day: day("2017-07-01")}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := parseQuery(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(q.Terms) != len(tt.want) {
				t.Fatalf("terms %+v, want %+v", q.Terms, tt.want)
			}
			for i := range tt.want {
				g, w := q.Terms[i], tt.want[i]
				if g.Kind != w.Kind || g.Key != w.Key || g.Op != w.Op || g.Value != w.Value || !g.Day.Equal(w.Day) {
					t.Errorf("term %d: %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct{ in, mention string }{
		{"", "empty"},
		{"   ", "empty"},
		{"createDT>notadate", "createDT>notadate"},
		{"createDT>2017-02-30", "2017-02-30"},
		{":x", "empty"},
		{">2017-01-01", "empty"},
		{"companyName:", "no text"},
		{"field_1:", "no text"},
		{"companyName>x", "only with createDT"},
		{"field_1<=3", "only with createDT"},
		{"province:北京", "cannot be searched"},
		{"ok createDT<2017", "createDT<2017"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := parseQuery(tt.in)
			if err == nil {
				t.Fatalf("%q parsed, want an error", tt.in)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
		})
	}
}

func TestDayRanges(t *testing.T) {
	d := day("2021-03-01")
	tests := []struct {
		op       dateOp
		from, to string
	}{
		{opOn, "2021-03-01 00:00:00", "2021-03-02 00:00:00"},
		{opAfter, "2021-03-02 00:00:00", ""},
		{opFrom, "2021-03-01 00:00:00", ""},
		{opBefore, "", "2021-03-01 00:00:00"},
		{opThrough, "", "2021-03-02 00:00:00"},
	}
	for _, tt := range tests {
		from, to := queryTerm{Kind: termCreated, Op: tt.op, Day: d}.dayRange()
		if from != tt.from || to != tt.to {
			t.Errorf("%s: [%q, %q), want [%q, %q)", tt.op, from, to, tt.from, tt.to)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"132", "companyName:金万维 createDT>2017-07-01", "serviceaccount:x", "field_1:454",
		"createDT>=2017-09-01 updateDT<=2018-01-01", ":", "<>", "a:b:c", "createDT<=", "x>=y", "\t金\u3000万"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQuery(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if len(q.Terms) != len(strings.Fields(s)) {
			t.Fatalf("%q: %d terms for %d words", s, len(q.Terms), len(strings.Fields(s)))
		}
		for _, term := range q.Terms {
			switch term.Kind {
			case termCreated, termUpdated:
				switch term.Op {
				case opOn, opAfter, opBefore, opFrom, opThrough:
				default:
					t.Fatalf("%q: operator %q", s, term.Op)
				}
				if from, to := term.dayRange(); from == "" && to == "" {
					t.Fatalf("%q: unbounded date term", s)
				}
			case termCustomContains:
				if term.Key == "" || term.Value == "" || strings.ContainsAny(term.Key, ":<> \t") {
					t.Fatalf("%q: custom term %+v", s, term)
				}
			case termNameContains, termAccountEquals:
				if term.Value == "" || strings.ContainsAny(term.Value, " \t\n") {
					t.Fatalf("%q: text term %+v", s, term)
				}
			default:
				t.Fatalf("%q: kind %d", s, term.Kind)
			}
		}
	})
}

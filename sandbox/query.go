package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// TermKind says what a search term matches.
type TermKind int

// Kinds of search terms.
const (
	TermNameContains   TermKind = iota // companyName:X, or a bare word X
	TermAccountEquals                  // serviceaccount:X, exact
	TermCustomContains                 // <key>:X, the custom field key's value contains X
	TermCreated                        // createDT with an operator on a day
	TermUpdated                        // updateDT with an operator on a day
)

// Op is the operator of a date term.
type Op string

// Operators of date terms; Contains is the ':' of the text terms.
const (
	OpOn      Op = ":"  // on that day
	OpAfter   Op = ">"  // after that day, the day excluded
	OpBefore  Op = "<"  // before that day, the day excluded
	OpFrom    Op = ">=" // that day or later
	OpThrough Op = "<=" // that day or earlier
)

// Term is one condition of a search query.
type Term struct {
	Kind  TermKind
	Key   string    // the custom field key, for TermCustomContains
	Op    Op        // for TermCreated and TermUpdated
	Value string    // the text to match, for the text kinds
	Day   time.Time // for TermCreated and TermUpdated, midnight UTC of the day
}

// Query is a parsed search query: all terms must hold.
type Query struct {
	Terms []Term
}

// notSearchable are documented company fields the vendor's search does not filter on; a term
// on them is refused rather than taken for a custom field of the same name.
var notSearchable = map[string]bool{
	"uId": true, "url": true, "supportId": true, "servicestarttime": true, "serviceendtime": true,
	"userURL": true, "serveNote": true, "serviceCharge": true, "servicepassword": true,
	"address": true, "custom_fields": true, "userGroup": true, "tableName": true,
	"province": true, "city": true, "status": true, "service_groupid": true,
}

// ParseQuery parses the query of the search endpoint: space-separated terms, all of which
// must hold. A term is "key:value" (companyName contains, serviceaccount equals, any other
// key a custom field contains), "createDT" or "updateDT" with one of : > < >= <= and a day
// YYYY-MM-DD, or a bare word matched against the company name. The error names the term.
func ParseQuery(s string) (Query, error) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return Query{}, fmt.Errorf("query is empty")
	}
	q := Query{Terms: make([]Term, 0, len(words))}
	for _, w := range words {
		t, err := parseTerm(w)
		if err != nil {
			return Query{}, fmt.Errorf("query term %q: %w", w, err)
		}
		q.Terms = append(q.Terms, t)
	}
	return q, nil
}

// parseTerm parses one space-free term.
func parseTerm(w string) (Term, error) {
	i := strings.IndexAny(w, ":<>")
	if i < 0 {
		return Term{Kind: TermNameContains, Value: w}, nil
	}
	if i == 0 {
		return Term{}, fmt.Errorf("the field name before %q is empty", w[:1])
	}
	key := w[:i]
	op := Op(w[i : i+1])
	rest := w[i+1:]
	if (op == OpAfter || op == OpBefore) && strings.HasPrefix(rest, "=") {
		op += "="
		rest = rest[1:]
	}
	switch {
	case strings.EqualFold(key, "createDT"), strings.EqualFold(key, "updateDT"):
		day, err := time.Parse(dateLayout, rest)
		if err != nil {
			return Term{}, fmt.Errorf("%s needs a day YYYY-MM-DD after %q, not %q", key, op, rest)
		}
		kind := TermCreated
		if strings.EqualFold(key, "updateDT") {
			kind = TermUpdated
		}
		return Term{Kind: kind, Op: op, Day: day}, nil
	case op != OpOn:
		return Term{}, fmt.Errorf("operator %q works only with createDT and updateDT; use %s:text", op, key)
	case rest == "":
		return Term{}, fmt.Errorf("no text after %s:", key)
	case strings.EqualFold(key, "companyName"):
		return Term{Kind: TermNameContains, Value: rest}, nil
	case strings.EqualFold(key, "serviceaccount"):
		return Term{Kind: TermAccountEquals, Value: rest}, nil
	case notSearchable[key]:
		return Term{}, fmt.Errorf("%s cannot be searched; search companyName, serviceaccount, createDT, updateDT or a custom field", key)
	default:
		return Term{Kind: TermCustomContains, Key: key, Value: rest}, nil
	}
}

// dayRange turns a date term into the half-open range [from, to) of "YYYY-MM-DD HH:MM:SS"
// strings it covers; "" means unbounded.
func (t Term) dayRange() (from, to string) {
	day := t.Day.Format(dateTimeLayout)
	next := t.Day.AddDate(0, 0, 1).Format(dateTimeLayout)
	switch t.Op {
	case OpOn:
		return day, next
	case OpAfter:
		return next, ""
	case OpFrom:
		return day, ""
	case OpBefore:
		return "", day
	default: // OpThrough
		return "", next
	}
}

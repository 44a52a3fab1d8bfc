package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// termKind says what a search term matches.
type termKind int

// Kinds of search terms.
const (
	termNameContains   termKind = iota // companyName:X, or a bare word X
	termAccountEquals                  // serviceaccount:X, exact
	termCustomContains                 // <key>:X, the custom field key's value contains X
	termCreated                        // createDT with an operator on a day
	termUpdated                        // updateDT with an operator on a day
)

// dateOp is the operator of a date term.
type dateOp string

// Operators of date terms; Contains is the ':' of the text terms.
const (
	opOn      dateOp = ":"  // on that day
	opAfter   dateOp = ">"  // after that day, the day excluded
	opBefore  dateOp = "<"  // before that day, the day excluded
	opFrom    dateOp = ">=" // that day or later
	opThrough dateOp = "<=" // that day or earlier
)

// queryTerm is one condition of a search query.
type queryTerm struct {
	Kind  termKind
	Key   string    // the custom field key, for termCustomContains
	Op    dateOp    // for termCreated and termUpdated
	Value string    // the text to match, for the text kinds
	Day   time.Time // for termCreated and termUpdated, midnight UTC of the day
}

// parsedQuery is a parsed search query: all terms must hold.
type parsedQuery struct {
	Terms []queryTerm
}

// notSearchable are documented company fields the vendor's search does not filter on; a term
// on them is refused rather than taken for a custom field of the same name.
var notSearchable = map[string]bool{
	"uId": true, "url": true, "supportId": true, "servicestarttime": true, "serviceendtime": true,
	"userURL": true, "serveNote": true, "serviceCharge": true, "servicepassword": true,
	"address": true, "custom_fields": true, "userGroup": true, "tableName": true,
	"province": true, "city": true, "status": true, "service_groupid": true,
}

// parseQuery parses the query of the search endpoint: space-separated terms, all of which
// must hold. A term is "key:value" (companyName contains, serviceaccount equals, any other
// key a custom field contains), "createDT" or "updateDT" with one of : > < >= <= and a day
// YYYY-MM-DD, or a bare word matched against the company name. The error names the term.
func parseQuery(s string) (parsedQuery, error) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return parsedQuery{}, fmt.Errorf("query is empty")
	}
	q := parsedQuery{Terms: make([]queryTerm, 0, len(words))}
	for _, w := range words {
		t, err := parseTerm(w)
		if err != nil {
			return parsedQuery{}, fmt.Errorf("query term %q: %w", w, err)
		}
		q.Terms = append(q.Terms, t)
	}
	return q, nil
}

// parseTerm parses one space-free term.
func parseTerm(w string) (queryTerm, error) {
	i := strings.IndexAny(w, ":<>")
	if i < 0 {
		return queryTerm{Kind: termNameContains, Value: w}, nil
	}
	if i == 0 {
		return queryTerm{}, fmt.Errorf("the field name before %q is empty", w[:1])
	}
	key := w[:i]
	op := dateOp(w[i : i+1])
	rest := w[i+1:]
	if (op == opAfter || op == opBefore) && strings.HasPrefix(rest, "=") {
		op += "="
		rest = rest[1:]
	}
	switch {
	case strings.EqualFold(key, "createDT"), strings.EqualFold(key, "updateDT"):
		day, err := time.Parse(dateLayout, rest)
		if err != nil {
			return queryTerm{}, fmt.Errorf("%s needs a day YYYY-MM-DD after %q, not %q", key, op, rest)
		}
		kind := termCreated
		if strings.EqualFold(key, "updateDT") {
			kind = termUpdated
		}
		return queryTerm{Kind: kind, Op: op, Day: day}, nil
	case op != opOn:
		return queryTerm{}, fmt.Errorf("operator %q works only with createDT and updateDT; use %s:text", op, key)
	case rest == "":
		return queryTerm{}, fmt.Errorf("no text after %s:", key)
	case strings.EqualFold(key, "companyName"):
		return queryTerm{Kind: termNameContains, Value: rest}, nil
	case strings.EqualFold(key, "serviceaccount"):
		return queryTerm{Kind: termAccountEquals, Value: rest}, nil
	case notSearchable[key]:
		return queryTerm{}, fmt.Errorf("%s cannot be searched; search companyName, serviceaccount, createDT, updateDT or a custom field", key)
	default:
		return queryTerm{Kind: termCustomContains, Key: key, Value: rest}, nil
	}
}

// dayRange turns a date term into the half-open range [from, to) of "YYYY-MM-DD HH:MM:SS"
// strings it covers; "" means unbounded.
func (t queryTerm) dayRange() (from, to string) {
	day := t.Day.Format(dateTimeLayout)
	next := t.Day.AddDate(0, 0, 1).Format(dateTimeLayout)
	switch t.Op {
	case opOn:
		return day, next
	case opAfter:
		return next, ""
	case opFrom:
		return day, ""
	case opBefore:
		return "", day
	default: // OpThrough
		return "", next
	}
}

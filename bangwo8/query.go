package bangwo8

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// Op compares a date in a search term.
type Op string

// Date operators of the search language.
const (
	OpBefore     Op = "<"  // before the day, the day excluded
	OpOnOrBefore Op = "<=" // before the day, the day included
	OpOn         Op = ":"  // on the day
	OpOnOrAfter  Op = ">=" // after the day, the day included
	OpAfter      Op = ">"  // after the day, the day excluded
)

// Query builds a search query: terms separated by spaces, all of which must hold. The
// language cannot express a space inside a term, so a value with white space (or an empty
// one) makes Build fail rather than silently search for something else. Query is a value:
// every method returns a new Query and leaves the receiver as it was.
//
//	q, err := bangwo8.Query{}.Name("金万维").Created(bangwo8.OpAfter, "2017-07-01").Build()
//	// "companyName:金万维 createDT>2017-07-01"
type Query struct {
	terms []string
	errs  []error
}

// Name matches companies whose name contains s (companyName:s).
func (q Query) Name(s string) Query { return q.field(string(field.CompanyName), s) }

// Account matches the company whose service account is exactly s (serviceaccount:s).
func (q Query) Account(s string) Query { return q.field(string(field.ServiceAccount), s) }

// Custom matches companies whose custom field key contains value (field_1:454). key is a
// field key such as field_1 or expect_time.
func (q Query) Custom(key, value string) Query {
	if !isFieldKey(key) {
		return q.fail(fmt.Errorf("custom field key %q: want letters, digits and _", key))
	}
	return q.field(key, value)
}

// Created matches companies created on, before or after day ("YYYY-MM-DD").
func (q Query) Created(op Op, day string) Query { return q.date(string(field.CreateDT), op, day) }

// Updated matches companies updated on, before or after day ("YYYY-MM-DD").
func (q Query) Updated(op Op, day string) Query { return q.date(string(field.UpdateDT), op, day) }

// Word matches companies whose name contains w; it must not look like a term (no ':', '<',
// '>', '=').
func (q Query) Word(w string) Query {
	if err := checkValue(w); err != nil {
		return q.fail(fmt.Errorf("word %q: %w", w, err))
	}
	if strings.ContainsAny(w, ":<>=") {
		return q.fail(fmt.Errorf("word %q: contains one of : < > =, which would make it a term", w))
	}
	return q.add(w)
}

// Build returns the query text, or every problem of the terms added.
func (q Query) Build() (string, error) {
	if len(q.errs) > 0 {
		return "", fmt.Errorf("bangwo8: query: %w", errors.Join(q.errs...))
	}
	if len(q.terms) == 0 {
		return "", errors.New("bangwo8: query: no terms")
	}
	return strings.Join(q.terms, " "), nil
}

// String returns the query text, or a text naming the error when Build would fail.
func (q Query) String() string {
	s, err := q.Build()
	if err != nil {
		return "!(" + err.Error() + ")"
	}
	return s
}

func (q Query) field(key, value string) Query {
	if err := checkValue(value); err != nil {
		return q.fail(fmt.Errorf("%s %q: %w", key, value, err))
	}
	return q.add(key + ":" + value)
}

func (q Query) date(key string, op Op, day string) Query {
	switch op {
	case OpBefore, OpOnOrBefore, OpOn, OpOnOrAfter, OpAfter:
	default:
		return q.fail(fmt.Errorf("%s: operator %q: want one of < <= : >= >", key, string(op)))
	}
	if err := checkDate(key, day); err != nil {
		return q.fail(err)
	}
	return q.add(key + string(op) + day)
}

// add and fail copy before appending, so that two queries built from one base never share
// (and overwrite) each other's terms.
func (q Query) add(term string) Query {
	q.terms = append(slices.Clip(q.terms), term)
	return q
}

func (q Query) fail(err error) Query {
	q.errs = append(slices.Clip(q.errs), err)
	return q
}

func checkValue(v string) error {
	switch {
	case v == "":
		return errors.New("empty")
	case strings.IndexFunc(v, unicode.IsSpace) >= 0:
		return errors.New("contains white space, which the search language cannot express")
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		return errors.New("contains a control character")
	}
	return nil
}

func isFieldKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

package sandbox

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Paging limits. The real service accepts per_page up to 5000 and answers 10000 with HTTP 500.
const (
	defaultPerPage = 100
	maxPerPage     = 5000
)

// paramError is a bad query parameter: 400, or 500 when the real service fails on it.
type paramError struct {
	status int
	msg    string
}

func (e *paramError) Error() string { return e.msg }

func badParam(format string, args ...any) *paramError {
	return &paramError{status: 400, msg: fmt.Sprintf(format, args...)}
}

// params reads query parameters, keeping the first problem.
type params struct {
	v   url.Values
	err *paramError
}

// intParam returns the parameter as an integer at least lo, or def when absent.
func (p *params) intParam(name string, def, lo int) int {
	s := p.v.Get(name)
	if s == "" || p.err != nil {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		p.err = badParam("%s must be a whole number, not %q", name, s)
		return def
	}
	if n < lo {
		p.err = badParam("%s must be at least %d, not %d", name, lo, n)
		return def
	}
	return n
}

// page returns limit and offset from page and per_page.
func (p *params) page() (limit, offset int) {
	page := p.intParam("page", 1, 1)
	perPage := p.intParam("per_page", defaultPerPage, 1)
	if p.err == nil && perPage > maxPerPage {
		p.err = &paramError{status: 500, msg: fmt.Sprintf("per_page %d is more than the service answers (%d at most)", perPage, maxPerPage)}
	}
	if p.err == nil && page > (1<<40)/perPage {
		p.err = badParam("page %d is out of range", page)
	}
	return perPage, (page - 1) * perPage
}

// deStat returns whether deleted companies are included: deStat 0 (default) or 1.
func (p *params) deStat() bool {
	switch s := p.v.Get("deStat"); s {
	case "", "0":
		return false
	case "1":
		return true
	default:
		if p.err == nil {
			p.err = badParam("deStat must be 0 (not deleted) or 1 (all), not %q", s)
		}
		return false
	}
}

// order returns "asc", "desc", or def when absent.
func (p *params) order(name, def string) string {
	switch s := p.v.Get(name); s {
	case "":
		return def
	case "asc", "desc":
		return s
	default:
		if p.err == nil {
			p.err = badParam("%s must be asc or desc, not %q", name, s)
		}
		return def
	}
}

// day returns the parameter YYYY-MM-DD as its midnight "YYYY-MM-DD 00:00:00" and the next
// midnight, for a range that includes the whole day; ok is false when absent.
func (p *params) day(name string) (midnight, next string, ok bool) {
	s := p.v.Get(name)
	if s == "" || p.err != nil {
		return "", "", false
	}
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		p.err = badParam("%s must be a day YYYY-MM-DD, not %q", name, s)
		return "", "", false
	}
	return d.Format(dateTimeLayout), d.AddDate(0, 0, 1).Format(dateTimeLayout), true
}

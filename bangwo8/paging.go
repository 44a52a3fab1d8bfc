package bangwo8

import (
	"errors"
	"fmt"
)

// ErrPaging is matched (errors.Is) by the error of a listing whose pages contradict each other
// so that it cannot be read completely: a page that repeats the one before, a page after a
// short one, a count that disagrees with what was read.
var ErrPaging = errors.New("bangwo8: the server's pages do not add up")

// Paging walks the pages of a listing (the list or a search) and refuses to end it early.
// The vendor's examples can be read several ways: per_page may be capped below what was asked,
// a search's count may be the size of the page rather than the total, page may be ignored. A
// listing therefore ends only at an empty page or, for a search, at a null next_page; a short
// page must be followed by an empty one (or by itself again, from a server that answers a page
// past the end with the last one); a repeated page or a count that disagrees is an error
// (ErrPaging), never a short result.
//
// The first page tells the size the server honours: a first page shorter (or longer) than
// asked makes that length the page size from then on, so that a capped per_page skips nothing.
//
// Use: ask for Next(), then give the page's ids to Add, until Add says done or fails. The exporter
// fetches ahead: after the first page, Next is always the page after the one added, with the
// same size.
type Paging struct {
	page, size int // what Next asks for
	pos        int // how many companies the pages before page hold (at size)
	pages      int // pages added
	short      int // the length of the last page when shorter than size; 0 otherwise
	prev       map[int64]struct{}
	read       int
	count      countCheck
}

// NewPaging starts at page (from 1; 0 is 1) with perPage companies a page (0 is
// DefaultPerPage).
func NewPaging(page, perPage int) *Paging {
	page, perPage = pageOrDefault(page, perPage)
	return &Paging{page: page, size: perPage, pos: (page - 1) * perPage}
}

// Next returns the page to ask for and its size.
func (p *Paging) Next() (page, perPage int) { return p.page, p.size }

// Read returns how many companies the added pages held.
func (p *Paging) Read() int { return p.read }

// PageEnd is what a page says about the pages after it.
type PageEnd struct {
	// Last: the server says no page follows (a search's next_page is null).
	Last bool
	// Count is the count the page carries (a search); -1 when it carries none.
	Count int
}

// NoEnd is the PageEnd of a page that says nothing about the pages after it (the list).
var NoEnd = PageEnd{Count: -1}

// Add records the answer to Next: the ids of its companies, in order, and what it says of the
// pages after it. take is false when the page's companies are not to be used (they repeat the
// short page before it); done is true when the listing is complete; an error (ErrPaging) means
// it cannot be completed.
func (p *Paging) Add(ids []int64, end PageEnd) (take, done bool, err error) {
	n := len(ids)
	page := p.page
	p.pages++
	repeated := n > 0 && p.repeats(ids)
	switch {
	case repeated && p.short > 0:
		// The short page again: a server that answers a page past the end with the last
		// one. The short page was the end.
		return false, true, p.finish()
	case n > 0 && p.short > 0:
		return false, false, fmt.Errorf("%w: page %d had %d companies of %d asked, yet page %d has %d more: the listing cannot be read completely",
			ErrPaging, page-1, p.short, p.size, page, n)
	case repeated:
		return false, false, fmt.Errorf("%w: page %d repeats page %d: the server ignores the page parameter", ErrPaging, page, page-1)
	}
	p.read += n
	p.count.add(n, end.Count)
	if n == 0 || end.Last {
		return true, true, p.finish()
	}
	switch {
	case p.pages == 1 && n != p.size && (p.pos+n)%n == 0:
		// The server honours another size than asked (a cap, or its own default): go on
		// with that size, so that its page numbers and ours agree.
		p.size = n
	case n > p.size:
		return false, false, fmt.Errorf("%w: page %d has %d companies, more than the %d asked", ErrPaging, page, n, p.size)
	case n < p.size:
		p.short = n // the end, unless the next page has more: it must be empty
	}
	p.pos += n
	if p.short > 0 {
		p.page++ // the page after the short one, at the same size
	} else {
		p.page = p.pos/p.size + 1
	}
	return true, false, nil
}

// finish cross-checks the count at the end of the listing.
func (p *Paging) finish() error {
	if err := p.count.check(p.read); err != nil {
		return fmt.Errorf("%w: %v", ErrPaging, err)
	}
	return nil
}

// repeats reports whether every id of the page was on the page before (a server that
// ignores page answers the same page again), and remembers the page.
func (p *Paging) repeats(ids []int64) bool {
	all := p.prev != nil
	next := make(map[int64]struct{}, len(ids))
	for _, id := range ids {
		if id == 0 {
			all = false // no id to compare
		}
		if _, ok := p.prev[id]; !ok {
			all = false
		}
		next[id] = struct{}{}
	}
	p.prev = next
	return all
}

// countCheck cross-checks a search's count: the total of all matches, or (as the vendor's
// example may be read) the size of each page. Either reading must hold to the end.
type countCheck struct {
	seen      bool // some page carried a count
	perPage   bool // every page so far carried its own length as count
	lastCount int  // the count of the last page that had companies
}

func (c *countCheck) add(n, count int) {
	if count < 0 {
		return
	}
	if !c.seen {
		c.seen, c.perPage = true, true
	}
	if n > 0 {
		c.perPage = c.perPage && count == n
		c.lastCount = count
	}
}

func (c *countCheck) check(read int) error {
	if !c.seen || read == 0 || c.perPage || c.lastCount == read {
		return nil
	}
	return fmt.Errorf("the server counts %d matches, but %d were read", c.lastCount, read)
}

package exporter

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
)

// page is one page of a source, in the order the source defines.
type page struct {
	number    int
	companies []bangwo8.Company
	missing   []int64 // ids asked for that the service did not return (search, ids)
	last      bool    // no page after this one (ids)

	// What bangwo8.Paging checks (list, search): the ids of the page as the service listed
	// them, and what the page says about the pages after it.
	ids []int64
	end bangwo8.PageEnd

	// date is the latest Date header of the answers the page came from: the service's
	// clock, against which an incremental export checks updateDT; zero when none said.
	date time.Time
}

// answeredAt is the Date header of an answer; zero when there is none or it cannot be read.
func answeredAt(resp *bangwo8.Response) time.Time {
	if resp == nil || resp.Response == nil {
		return time.Time{}
	}
	t, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return time.Time{}
	}
	return t
}

// later is the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// errLastPage, returned by a consume function, ends fetchInOrder without an error.
var errLastPage = errors.New("the last page")

// fetchFunc fetches page number n (from 1).
type fetchFunc func(ctx context.Context, n int) (page, error)

// fetchInOrder fetches pages 1, 2, ... with up to concurrency requests in flight and hands them
// to consume in page order, until a page says it is the last, consume fails (errLastPage:
// says it was the last), or ctx ends.
// The pages in flight beyond the last one are cancelled and waited for: nothing outlives it.
// Memory is bounded by concurrency pages.
func fetchInOrder(ctx context.Context, concurrency int, fetch fetchFunc, consume func(page) error) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()  // the fetches in flight give up...
		wg.Wait() // ...and are waited for
	}()

	type result struct {
		p   page
		err error
	}
	start := func(n int) chan result {
		ch := make(chan result, 1) // never blocks the fetcher, even when nobody reads
		wg.Go(func() {
			p, err := fetch(ctx, n)
			p.number = n
			ch <- result{p, err}
		})
		return ch
	}

	var window []chan result
	next := 1
	for ; next <= concurrency; next++ {
		window = append(window, start(next))
	}
	for {
		var r result
		select {
		case r = <-window[0]:
		case <-ctx.Done():
			return ctx.Err()
		}
		window = window[1:]
		if r.err != nil {
			return r.err
		}
		if err := consume(r.p); errors.Is(err, errLastPage) {
			return nil
		} else if err != nil {
			return err
		}
		if r.p.last {
			return nil
		}
		window = append(window, start(next))
		next++
	}
}

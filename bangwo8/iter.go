package bangwo8

import (
	"context"
	"fmt"
	"iter"
)

// AllCompanies yields every company that opts selects, page after page, from opts.Page (or
// 1). It stops after an empty page or one shorter than the page size, and on the first error,
// which it yields (with a zero Company). Breaking out of the loop stops the fetching.
func (c *Client) AllCompanies(ctx context.Context, opts ListOptions) iter.Seq2[Company, error] {
	return func(yield func(Company, error) bool) {
		opts.Page, opts.PerPage = pageOrDefault(opts.Page, opts.PerPage)
		var repeat repeatGuard
		for {
			page, _, err := c.ListCompanies(ctx, &opts)
			if err != nil {
				yield(Company{}, fmt.Errorf("page %d: %w", opts.Page, err))
				return
			}
			if len(page) == 0 {
				return
			}
			if err := repeat.check(opts.Page, page); err != nil {
				yield(Company{}, err)
				return
			}
			for _, co := range page {
				if !yield(co, nil) {
					return
				}
			}
			if len(page) < opts.PerPage {
				return
			}
			opts.Page++
		}
	}
}

// AllSearchResults yields every match of query, page after page, from opts.Page (or 1). It
// stops after an empty or short page, when the matches seen reach the count the service
// reports, and on the first error, which it yields. It asks for page+1 itself rather than
// following next_page, so that every call stays on the client's base URL.
func (c *Client) AllSearchResults(ctx context.Context, query string, opts SearchOptions) iter.Seq2[Company, error] {
	return func(yield func(Company, error) bool) {
		opts.Page, opts.PerPage = pageOrDefault(opts.Page, opts.PerPage)
		seen := (opts.Page - 1) * opts.PerPage
		var repeat repeatGuard
		for {
			res, _, err := c.SearchCompanies(ctx, query, &opts)
			if err != nil {
				yield(Company{}, fmt.Errorf("page %d: %w", opts.Page, err))
				return
			}
			if err := repeat.check(opts.Page, res.Results); err != nil {
				yield(Company{}, err)
				return
			}
			for _, co := range res.Results {
				if !yield(co, nil) {
					return
				}
			}
			seen += len(res.Results)
			if len(res.Results) < opts.PerPage || (res.Count > 0 && seen >= res.Count) {
				return
			}
			opts.Page++
		}
	}
}

// repeatGuard stops an iterator on a server that ignores the page parameter and would send
// the first page forever: a page that starts with the same company as the one before is an
// error.
type repeatGuard struct{ prevFirst int64 }

func (g *repeatGuard) check(page int, companies []Company) error {
	if len(companies) == 0 {
		return nil
	}
	first := companies[0].UID
	if first != 0 && first == g.prevFirst {
		return fmt.Errorf("bangwo8: page %d starts with company %d like page %d: the server ignores paging", page, first, page-1)
	}
	g.prevFirst = first
	return nil
}

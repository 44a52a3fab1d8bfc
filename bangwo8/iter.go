package bangwo8

import (
	"context"
	"fmt"
	"iter"
)

// AllCompanies yields every company that opts selects, page after page, from opts.Page (or
// 1), and ends only at an empty page (see Paging): a capped per_page costs a few more calls,
// never companies. It stops on the first error, which it yields (with a zero Company);
// errors.Is(err, ErrPaging) when the server's pages contradict each other. Breaking out of
// the loop stops the fetching.
func (c *Client) AllCompanies(ctx context.Context, opts ListOptions) iter.Seq2[Company, error] {
	return func(yield func(Company, error) bool) {
		paging := NewPaging(opts.Page, opts.PerPage)
		for {
			opts.Page, opts.PerPage = paging.Next()
			page, _, err := c.ListCompanies(ctx, &opts)
			if err != nil {
				yield(Company{}, fmt.Errorf("page %d: %w", opts.Page, err))
				return
			}
			take, done, err := paging.Add(uids(page), NoEnd)
			if err != nil {
				yield(Company{}, err)
				return
			}
			if !take {
				page = nil
			}
			for _, co := range page {
				if !yield(co, nil) {
					return
				}
			}
			if done {
				return
			}
		}
	}
}

// AllSearchResults yields every match of query, page after page, from opts.Page (or 1). It
// ends at a null next_page or an empty page, cross-checking the count the service reports
// (see Paging), and stops on the first error, which it yields. It asks for the next page
// itself rather than following the next_page URL, so that every call stays on the client's
// base URL.
func (c *Client) AllSearchResults(ctx context.Context, query string, opts SearchOptions) iter.Seq2[Company, error] {
	return func(yield func(Company, error) bool) {
		paging := NewPaging(opts.Page, opts.PerPage)
		for {
			opts.Page, opts.PerPage = paging.Next()
			res, _, err := c.SearchCompanies(ctx, query, &opts)
			if err != nil {
				yield(Company{}, fmt.Errorf("page %d: %w", opts.Page, err))
				return
			}
			take, done, err := paging.Add(uids(res.Results), res.End())
			if err != nil {
				yield(Company{}, err)
				return
			}
			if !take {
				res.Results = nil
			}
			for _, co := range res.Results {
				if !yield(co, nil) {
					return
				}
			}
			if done {
				return
			}
		}
	}
}

// uids returns the ids of companies, in order.
func uids(companies []Company) []int64 {
	ids := make([]int64, len(companies))
	for i := range companies {
		ids[i] = companies[i].UID
	}
	return ids
}

package bangwo8

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// SortField is what search results are sorted by.
type SortField string

// Sort fields of a search.
const (
	SortByCreated SortField = SortField(field.CreateDT)
	SortByUpdated SortField = SortField(field.UpdateDT)
)

// SearchOptions are the parameters of SearchCompanies besides the query. The zero value asks
// for the first page of companies not deleted, in the service's default order.
type SearchOptions struct {
	IncludeDeleted bool      // deStat=1
	SortBy         SortField // "" = the service's default
	SortOrder      Order     // "" = the service's default (desc)
	Page           int       // from 1; 0 = the service's default (1)
	PerPage        int       // 1..MaxPerPage; 0 = the service's default (DefaultPerPage)
}

func (o *SearchOptions) values(query string) (url.Values, error) {
	var errs []error
	if strings.TrimSpace(query) == "" {
		errs = append(errs, errors.New("query: empty"))
	}
	switch o.SortBy {
	case "", SortByCreated, SortByUpdated:
	default:
		errs = append(errs, fmt.Errorf("sort_by %q: want createDT or updateDT", string(o.SortBy)))
	}
	errs = append(errs, o.SortOrder.check("sort_order"), checkPage(o.Page, o.PerPage))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	q := url.Values{"query": {query}}
	setIf(q, "sort_by", string(o.SortBy))
	setIf(q, "sort_order", string(o.SortOrder))
	setPaging(q, o.IncludeDeleted, o.Page, o.PerPage)
	return q, nil
}

// SearchResult is one page of a search. Results carry the short form of a company (uId,
// companyName, createDT, updateDT, url); fetch the rest with GetCompany or ShowMany.
type SearchResult struct {
	Results      []Company
	Count        int    // the count the service reports (the total, or the page's size); -1 when none
	NextPage     string // URL of the next page; "" when none
	PreviousPage string // URL of the previous page; "" when none
	Last         bool   // next_page is null: the service says no page follows
}

// End is what the page says about the pages after it, for Paging.
func (r *SearchResult) End() PageEnd { return PageEnd{Last: r.Last, Count: r.Count} }

// SearchCompanies runs query (see Query for its language) and returns one page of matches.
// opts may be nil.
func (c *Client) SearchCompanies(ctx context.Context, query string, opts *SearchOptions) (*SearchResult, *Response, error) {
	if opts == nil {
		opts = &SearchOptions{}
	}
	q, err := opts.values(query)
	if err != nil {
		return nil, nil, fmt.Errorf("bangwo8: search companies: %w", err)
	}
	var env searchEnvelope
	resp, err := c.do(ctx, http.MethodGet, searchPath, q, nil, &env)
	if err != nil {
		return nil, resp, err
	}
	res := &SearchResult{Results: env.Results.items, Count: -1}
	if len(env.Count) > 0 {
		count, err := flexInt(env.Count)
		if err != nil {
			return nil, resp, fmt.Errorf("bangwo8: GET %s: count: %w", searchPath, err)
		}
		res.Count = int(count)
	}
	switch next := bytes.TrimSpace(env.NextPage); {
	case string(next) == "null":
		res.Last = true
	case len(next) > 0:
		if err := json.Unmarshal(next, &res.NextPage); err != nil {
			return nil, resp, fmt.Errorf("bangwo8: GET %s: next_page: %w", searchPath, err)
		}
	}
	if env.PreviousPage != nil {
		res.PreviousPage = *env.PreviousPage
	}
	resp.Page, resp.PerPage = pageOrDefault(opts.Page, opts.PerPage)
	resp.Count, resp.NextPage, resp.PreviousPage = res.Count, res.NextPage, res.PreviousPage
	return res, resp, nil
}

package bangwo8

import (
	"context"
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
	Count        int    // total number of matches, over all pages
	NextPage     string // URL of the next page; "" when none
	PreviousPage string // URL of the previous page; "" when none
}

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
	count, err := flexInt(env.Count)
	if err != nil {
		return nil, resp, fmt.Errorf("bangwo8: GET %s: count: %w", searchPath, err)
	}
	res := &SearchResult{Results: env.Results, Count: int(count)}
	if env.NextPage != nil {
		res.NextPage = *env.NextPage
	}
	if env.PreviousPage != nil {
		res.PreviousPage = *env.PreviousPage
	}
	resp.Page, resp.PerPage = pageOrDefault(opts.Page, opts.PerPage)
	resp.Count, resp.NextPage, resp.PreviousPage = res.Count, res.NextPage, res.PreviousPage
	return res, resp, nil
}

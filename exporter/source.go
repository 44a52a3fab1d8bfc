package exporter

import (
	"context"
	"fmt"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// source is where the companies of an export come from.
type source struct {
	name  string // for messages: "list", "search", "ids"
	fetch fetchFunc
	// dedup returns a fresh repeat filter for this source's order.
	dedup func() repeatFilter
	// local holds the date filters the source could not send to the service (ids).
	local Filter
}

// newSource picks the source the options ask for. updatedStart is the effective lower bound
// of updateDT (the filter's, or the incremental state's day when later).
func newSource(api API, o *Options, updatedStart string) (*source, error) {
	f := o.Filter
	f.UpdatedStart = updatedStart
	switch {
	case len(o.IDs) > 0:
		return idsSource(api, o.IDs, f), nil
	case o.Query != "":
		return searchSource(api, o.Query, f, o.PerPage)
	default:
		return listSource(api, f, o.PerPage), nil
	}
}

// listSource pages the list call in ascending id order, deleted companies included (they are
// dropped locally), so that creates land after the last page and deletes shift nothing.
func listSource(api API, f Filter, perPage int) *source {
	fetch := func(ctx context.Context, n int) (page, error) {
		cs, _, err := api.ListCompanies(ctx, &bangwo8.ListOptions{
			CreatedStart: f.CreatedStart, CreatedEnd: f.CreatedEnd,
			UpdatedStart: f.UpdatedStart, UpdatedEnd: f.UpdatedEnd,
			IncludeDeleted: true,
			Page:           n,
			PerPage:        perPage,
		})
		if err != nil {
			return page{}, fmt.Errorf("list page %d: %w", n, err)
		}
		return page{companies: cs, last: len(cs) < perPage}, nil
	}
	return &source{name: "list", fetch: fetch, dedup: func() repeatFilter { return &ascendingIDs{} }}
}

// searchSource pages a search by createDT ascending (deleted included) and fetches the full
// companies of each page with show_many, keeping the search's order.
func searchSource(api API, query string, f Filter, perPage int) (*source, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return nil, fmt.Errorf("%w: empty query", ErrInvalidOptions)
	}
	// The search language has the date filters the list has: add them as terms.
	for _, t := range []struct {
		field field.Key
		op    bangwo8.Op
		day   string
	}{
		{field.CreateDT, bangwo8.OpOnOrAfter, f.CreatedStart}, {field.CreateDT, bangwo8.OpOnOrBefore, f.CreatedEnd},
		{field.UpdateDT, bangwo8.OpOnOrAfter, f.UpdatedStart}, {field.UpdateDT, bangwo8.OpOnOrBefore, f.UpdatedEnd},
	} {
		if t.day != "" {
			q += " " + string(t.field) + string(t.op) + t.day
		}
	}
	fetch := func(ctx context.Context, n int) (page, error) {
		res, _, err := api.SearchCompanies(ctx, q, &bangwo8.SearchOptions{
			IncludeDeleted: true,
			SortBy:         bangwo8.SortByCreated,
			SortOrder:      bangwo8.Asc,
			Page:           n,
			PerPage:        perPage,
		})
		if err != nil {
			return page{}, fmt.Errorf("search %q page %d: %w", q, n, err)
		}
		ids := make([]int64, len(res.Results))
		for i := range res.Results {
			ids[i] = res.Results[i].UID
		}
		p, err := showMany(ctx, api, ids)
		if err != nil {
			return page{}, fmt.Errorf("search %q page %d: %w", q, n, err)
		}
		p.last = len(res.Results) < perPage || n*perPage >= res.Count
		return p, nil
	}
	return &source{name: "search", fetch: fetch, dedup: func() repeatFilter { return &recentIDs{} }}, nil
}

// idsSource fetches the given ids through show_many, MaxShowMany at a time, in the order
// given. The service has no date filter there, so the filter is applied locally.
func idsSource(api API, ids []int64, f Filter) *source {
	chunks := (len(ids) + bangwo8.MaxShowMany - 1) / bangwo8.MaxShowMany
	fetch := func(ctx context.Context, n int) (page, error) {
		if n > chunks {
			return page{last: true}, nil
		}
		lo := (n - 1) * bangwo8.MaxShowMany
		hi := min(lo+bangwo8.MaxShowMany, len(ids))
		p, err := showMany(ctx, api, ids[lo:hi])
		if err != nil {
			return page{}, fmt.Errorf("ids chunk %d: %w", n, err)
		}
		p.last = n == chunks
		return p, nil
	}
	return &source{name: "ids", fetch: fetch, dedup: func() repeatFilter { return noRepeats{} }, local: f}
}

// showMany fetches ids in chunks and returns the companies in the order of ids; the ids the
// service did not return are listed as missing.
func showMany(ctx context.Context, api API, ids []int64) (page, error) {
	byID := make(map[int64]bangwo8.Company, len(ids))
	for lo := 0; lo < len(ids); lo += bangwo8.MaxShowMany {
		chunk := ids[lo:min(lo+bangwo8.MaxShowMany, len(ids))]
		cs, _, err := api.ShowMany(ctx, chunk)
		if err != nil {
			return page{}, fmt.Errorf("show_many of %d ids from %d: %w", len(chunk), chunk[0], err)
		}
		for _, c := range cs {
			byID[c.UID] = c
		}
	}
	var p page
	p.companies = make([]bangwo8.Company, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			p.companies = append(p.companies, c)
		} else {
			p.missing = append(p.missing, id)
		}
	}
	return p, nil
}

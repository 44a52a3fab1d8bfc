package exporter

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
)

// source is where the companies of an export come from.
type source struct {
	name string // for messages: "list", "search", "ids"
	// fetch fetches page n of size companies (ids: chunk n; size is not used).
	fetch func(ctx context.Context, n, size int) (page, error)
	// paged: the pages are the service's, checked with bangwo8.Paging so that no page is
	// missed; otherwise (ids) page.last ends the source.
	paged bool
	// dedup returns a fresh repeat filter for this source's order.
	dedup func() repeatFilter
	// local holds the date filters the source could not send to the service (ids).
	local Filter
	// serverDeleted: the service leaves deleted companies out (deStat=0), because their
	// records carry no status to drop them by here.
	serverDeleted bool
}

// newSource picks the source the options ask for. updatedStart is the effective lower bound
// of updateDT (the filter's, or the incremental state's day when later). With serverDeleted
// the list and the search leave deleted companies out on the service's side.
func newSource(api API, o *Options, updatedStart string, serverDeleted bool) (*source, error) {
	f := o.Filter
	f.UpdatedStart = updatedStart
	switch {
	case len(o.IDs) > 0:
		return idsSource(api, o.IDs, f), nil
	case o.Query != "":
		return searchSource(api, o.Query, f, o.Sort, serverDeleted)
	default:
		return listSource(api, f, o.Sort, serverDeleted), nil
	}
}

// listSource pages the list, in ascending id order unless sort says otherwise. Deleted
// companies are asked for too and dropped locally, so that creates land after the last page
// and deletes shift nothing; unless serverDeleted, when the records carry no status.
func listSource(api API, f Filter, sort Sort, serverDeleted bool) *source {
	lo := bangwo8.ListOptions{
		CreatedStart: f.CreatedStart, CreatedEnd: f.CreatedEnd,
		UpdatedStart: f.UpdatedStart, UpdatedEnd: f.UpdatedEnd,
		IncludeDeleted: f.IncludeDeleted || !serverDeleted,
	}
	switch sort.By {
	case SortCreated:
		lo.CreatedOrder = sort.order()
	case SortUpdated:
		lo.UpdatedOrder = sort.order()
	}
	fetch := func(ctx context.Context, n, size int) (page, error) {
		opts := lo
		opts.Page, opts.PerPage = n, size
		cs, resp, err := api.ListCompanies(ctx, &opts)
		if err != nil {
			return page{}, fmt.Errorf("list page %d: %w", n, err)
		}
		return page{companies: cs, ids: uids(cs), end: bangwo8.NoEnd, date: answeredAt(resp)}, nil
	}
	dedup := func() repeatFilter { return &ascendingIDs{} }
	if sort.By != "" {
		dedup = func() repeatFilter { return &recentIDs{} }
	}
	return &source{name: "list", fetch: fetch, paged: true, dedup: dedup, serverDeleted: serverDeleted}
}

// searchSource pages a search, by createDT ascending unless sort says otherwise (deleted
// included, unless serverDeleted), and fetches the full companies of each page with
// show_many, keeping the search's order.
func searchSource(api API, query string, f Filter, sort Sort, serverDeleted bool) (*source, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return nil, fmt.Errorf("%w: empty query", ErrInvalidOptions)
	}
	// The search language has the date filters the list has: add them as terms.
	for _, t := range []struct {
		field string
		op    bangwo8.Op
		day   string
	}{
		{"createDT", bangwo8.OpOnOrAfter, f.CreatedStart}, {"createDT", bangwo8.OpOnOrBefore, f.CreatedEnd},
		{"updateDT", bangwo8.OpOnOrAfter, f.UpdatedStart}, {"updateDT", bangwo8.OpOnOrBefore, f.UpdatedEnd},
	} {
		if t.day != "" {
			q += " " + t.field + string(t.op) + t.day
		}
	}
	so := bangwo8.SearchOptions{
		IncludeDeleted: f.IncludeDeleted || !serverDeleted,
		SortBy:         bangwo8.SortByCreated,
		SortOrder:      bangwo8.Asc,
	}
	if sort.By == SortUpdated {
		so.SortBy = bangwo8.SortByUpdated
	}
	if sort.By != "" {
		so.SortOrder = sort.order()
	}
	fetch := func(ctx context.Context, n, size int) (page, error) {
		opts := so
		opts.Page, opts.PerPage = n, size
		res, resp, err := api.SearchCompanies(ctx, q, &opts)
		if err != nil {
			return page{}, fmt.Errorf("search %q page %d: %w", q, n, err)
		}
		ids := uids(res.Results)
		p, err := showMany(ctx, api, ids)
		if err != nil {
			return page{}, fmt.Errorf("search %q page %d: %w", q, n, err)
		}
		p.ids, p.end, p.date = ids, res.End(), later(p.date, answeredAt(resp))
		return p, nil
	}
	return &source{name: "search", fetch: fetch, paged: true, dedup: func() repeatFilter { return &recentIDs{} }, serverDeleted: serverDeleted}, nil
}

// idsSource fetches the given ids through show_many, MaxShowMany at a time, in the order
// given. The service has no date filter there, so the filter is applied locally.
func idsSource(api API, ids []int64, f Filter) *source {
	chunks := (len(ids) + bangwo8.MaxShowMany - 1) / bangwo8.MaxShowMany
	fetch := func(ctx context.Context, n, _ int) (page, error) {
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

// uids returns the ids of companies, in order.
func uids(cs []bangwo8.Company) []int64 {
	ids := make([]int64, len(cs))
	for i := range cs {
		ids[i] = cs[i].UID
	}
	return ids
}

// showMany fetches ids in chunks and returns the companies in the order of ids; the ids the
// service did not return are listed as missing.
func showMany(ctx context.Context, api API, ids []int64) (page, error) {
	byID := make(map[int64]bangwo8.Company, len(ids))
	var date time.Time
	for lo := 0; lo < len(ids); lo += bangwo8.MaxShowMany {
		chunk := ids[lo:min(lo+bangwo8.MaxShowMany, len(ids))]
		cs, resp, err := api.ShowMany(ctx, chunk)
		if err != nil {
			return page{}, fmt.Errorf("show_many of %d ids from %d: %w", len(chunk), chunk[0], err)
		}
		date = later(date, answeredAt(resp))
		for _, c := range cs {
			byID[c.UID] = c
		}
	}
	p := page{date: date}
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

package importer

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/sync/errgroup"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// API is what the importer needs of the service; *bangwo8.Client has it.
type API interface {
	AllCompanies(ctx context.Context, opts bangwo8.ListOptions) iter.Seq2[bangwo8.Company, error]
	AllSearchResults(ctx context.Context, query string, opts bangwo8.SearchOptions) iter.Seq2[bangwo8.Company, error]
	ShowMany(ctx context.Context, ids []int64) ([]bangwo8.Company, *bangwo8.Response, error)
	CreateCompany(ctx context.Context, in bangwo8.CompanyInput) (*bangwo8.Company, *bangwo8.Response, error)
	UpdateCompany(ctx context.Context, id int64, in bangwo8.CompanyInput) (*bangwo8.Company, *bangwo8.Response, error)
}

// SmallLookup is the number of distinct keys up to which existing companies are found one
// search per key; above it the whole list is paged through once, which costs about
// companies/listPageSize calls however many rows the file has.
const SmallLookup = 200

const listPageSize = 1000

// keyOf returns a company's value of the match field, as a record's Key would hold it.
func keyOf(c *bangwo8.Company, match string) string {
	switch field.Key(match) {
	case field.UID:
		return strconv.FormatInt(c.UID, 10)
	case field.ServiceAccount:
		return trimKey(c.ServiceAccount)
	case field.CompanyName:
		return trimKey(c.CompanyName)
	}
	return ""
}

func trimKey(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

// existing holds the companies that have the keys of a file, deleted ones included (a row
// can bring a deleted company back by its status column): what the plan needs of each,
// packed (see keeper). A key has one company as a rule; the others are in more.
type existing struct {
	mu    sync.Mutex
	byKey map[string]packed
	more  map[string][]packed
	keep  *keeper
}

func (e *existing) add(key string, c *bangwo8.Company) {
	e.mu.Lock()
	defer e.mu.Unlock()
	first, ok := e.byKey[key]
	switch {
	case !ok:
		e.byKey[strings.Clone(key)] = e.keep.pack(c)
	case first.uid() == c.UID || slices.ContainsFunc(e.more[key], func(p packed) bool { return p.uid() == c.UID }):
	default:
		e.more[key] = append(e.more[key], e.keep.pack(c))
	}
}

// all returns the packed companies that have key.
func (e *existing) all(key string) []packed {
	first, ok := e.byKey[key]
	if !ok {
		return nil
	}
	return append([]packed{first}, e.more[key]...)
}

// get returns the companies that have key, unpacked: the caller may keep them.
func (e *existing) get(key string) []*bangwo8.Company {
	var out []*bangwo8.Company
	for _, p := range e.all(key) {
		out = append(out, e.keep.unpack(p))
	}
	return out
}

// count is len(get(key)), without unpacking.
func (e *existing) count(key string) int {
	if _, ok := e.byKey[key]; !ok {
		return 0
	}
	return 1 + len(e.more[key])
}

// find returns the company uid among those that have key.
func (e *existing) find(key string, uid int64) (packed, bool) {
	for _, p := range e.all(key) {
		if p.uid() == uid {
			return p, true
		}
	}
	return "", false
}

// lookup finds the existing companies whose match field has one of keys: by id for uId,
// one search per key for a few keys, one pass through the list for many.
func lookup(ctx context.Context, api API, match string, keys map[string]struct{}, concurrency int, keep *keeper) (*existing, error) {
	ex := &existing{byKey: map[string]packed{}, more: map[string][]packed{}, keep: keep}
	if len(keys) == 0 {
		return ex, nil
	}
	if match == string(field.UID) {
		var ids []int64
		for k := range keys {
			if id, err := strconv.ParseInt(k, 10, 64); err == nil && id > 0 {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		err := eachByID(ctx, api, ids, func(c *bangwo8.Company) { ex.add(keyOf(c, match), c) })
		return ex, err
	}
	searchable := len(keys) <= SmallLookup
	for k := range keys {
		if _, ok := searchQuery(match, k); !ok {
			searchable = false
		}
	}
	if !searchable {
		for c, err := range api.AllCompanies(ctx, bangwo8.ListOptions{IncludeDeleted: true, PerPage: listPageSize}) {
			if err != nil {
				return nil, fmt.Errorf("listing companies: %w", err)
			}
			if k := keyOf(&c, match); k != "" {
				if _, ok := keys[k]; ok {
					ex.add(k, &c)
				}
			}
		}
		return ex, nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(concurrency, 1))
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		g.Go(func() error {
			found, err := findByKey(gctx, api, match, k)
			for i := range found {
				ex.add(k, &found[i])
			}
			return err
		})
	}
	return ex, g.Wait()
}

// searchQuery is the search that finds the companies whose match field is key, among others
// for a name (the service matches names by "contains"). ok is false when the search language
// cannot say it: a value with white space.
func searchQuery(match, key string) (string, bool) {
	var q bangwo8.Query
	switch field.Key(match) {
	case field.ServiceAccount:
		q = q.Account(key)
	case field.CompanyName:
		// The longest space-free part of the name narrows the search; the exact name is
		// compared afterwards.
		words := strings.Fields(key)
		if len(words) == 0 {
			return "", false
		}
		longest := words[0]
		for _, w := range words {
			if len([]rune(w)) > len([]rune(longest)) {
				longest = w
			}
		}
		q = q.Name(longest)
	default:
		return "", false
	}
	s, err := q.Build()
	return s, err == nil
}

// findByKey returns the companies whose match field is exactly key, deleted ones included.
func findByKey(ctx context.Context, api API, match, key string) ([]bangwo8.Company, error) {
	if match == string(field.UID) {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil || id <= 0 {
			return nil, nil
		}
		return showMany(ctx, api, []int64{id})
	}
	q, ok := searchQuery(match, key)
	if !ok {
		var out []bangwo8.Company
		for c, err := range api.AllCompanies(ctx, bangwo8.ListOptions{IncludeDeleted: true, PerPage: listPageSize}) {
			if err != nil {
				return nil, fmt.Errorf("listing companies for %s %q: %w", match, key, err)
			}
			if keyOf(&c, match) == key {
				out = append(out, c)
			}
		}
		return out, nil
	}
	var ids []int64
	for c, err := range api.AllSearchResults(ctx, q, bangwo8.SearchOptions{IncludeDeleted: true, PerPage: 500}) {
		if err != nil {
			return nil, fmt.Errorf("searching %s %q: %w", match, key, err)
		}
		// Results carry the short form: the name is there, the account is not.
		if match == string(field.CompanyName) && trimKey(c.CompanyName) != key {
			continue
		}
		ids = append(ids, c.UID)
	}
	cos, err := showMany(ctx, api, ids)
	if err != nil {
		return nil, err
	}
	var out []bangwo8.Company
	for _, c := range cos {
		if keyOf(&c, match) == key {
			out = append(out, c)
		}
	}
	return out, nil
}

// showMany fetches companies by id, bangwo8.MaxShowMany at a time.
func showMany(ctx context.Context, api API, ids []int64) ([]bangwo8.Company, error) {
	var out []bangwo8.Company
	err := eachByID(ctx, api, ids, func(c *bangwo8.Company) { out = append(out, *c) })
	return out, err
}

// eachByID fetches companies by id, bangwo8.MaxShowMany at a time, and hands each to fn,
// which must not keep it: only one chunk of whole companies is held at a time, however many
// ids (each row of an exported file carries its uId).
func eachByID(ctx context.Context, api API, ids []int64, fn func(c *bangwo8.Company)) error {
	for chunk := range slices.Chunk(ids, bangwo8.MaxShowMany) {
		cos, _, err := api.ShowMany(ctx, chunk)
		if err != nil {
			return fmt.Errorf("fetching companies by id: %w", err)
		}
		for i := range cos {
			fn(&cos[i])
		}
	}
	return nil
}

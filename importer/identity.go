package importer

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// identities holds what the plan needs to tell which company a row is, beside the match
// keys: the companies of the rows' uIds (a uId wins over the key), and, for keys that find
// no company but may be another company's key mangled by a spreadsheet program (00123 that
// became 123), the companies whose keys they may have been.
type identities struct {
	byUID uidIndex
	near  map[string][]*bangwo8.Company // mangled-looking key -> companies it may stand for
}

// uidIndex holds companies by id, packed (see keeper).
type uidIndex struct {
	byID map[int64]packed
	keep *keeper
}

// get returns the company uid, unpacked; nil when none has it.
func (x uidIndex) get(uid int64) *bangwo8.Company {
	p, ok := x.byID[uid]
	if !ok {
		return nil
	}
	return x.keep.unpack(p)
}

func (x uidIndex) has(uid int64) bool { _, ok := x.byID[uid]; return ok }

// lookupUIDs finds the companies of uids (uId -> the row's key): among those the keys found
// (a file exported with its ids has them all there), else by id, bangwo8.MaxShowMany at a
// time. A uId no company has is simply absent.
func lookupUIDs(ctx context.Context, api API, uids map[int64]string, known *existing, keep *keeper) (uidIndex, error) {
	out := uidIndex{byID: map[int64]packed{}, keep: keep}
	var missing []int64
	for _, id := range slices.Sorted(maps.Keys(uids)) {
		if c, ok := known.find(uids[id], id); ok {
			out.byID[id] = c
		} else {
			missing = append(missing, id)
		}
	}
	err := eachByID(ctx, api, missing, func(c *bangwo8.Company) { out.byID[c.UID] = keep.pack(c) })
	if err != nil {
		return uidIndex{}, err
	}
	return out, nil
}

// lookupNear finds, in one pass through the list (deleted companies included), the companies
// whose match key a spreadsheet program may have turned into one of keys (mapping.Mangled).
// keys are the rows' keys that found no company and may be mangled (mapping.MayBeMangled).
func lookupNear(ctx context.Context, api API, match string, keys []string, keep *keeper) (map[string][]*bangwo8.Company, error) {
	out := map[string][]*bangwo8.Company{}
	if len(keys) == 0 {
		return out, nil
	}
	// Keys by what a company's key must give to be theirs: the digits without leading zeros,
	// or the value at as many significant digits as a key in scientific notation shows (at
	// most 17 such lengths), so each company costs a few map lookups however many keys.
	byBase := map[string][]string{}
	type sci struct {
		digits int
		form   string
	}
	byForm := map[sci][]string{}
	var lengths []int
	for _, k := range keys {
		if b := mapping.ManglingBase(k); b != "" {
			byBase[b] = append(byBase[b], k)
		} else if n, form, ok := mapping.ScientificForm(k); ok {
			byForm[sci{n, form}] = append(byForm[sci{n, form}], k)
			if !slices.Contains(lengths, n) {
				lengths = append(lengths, n)
			}
		}
	}
	for c, err := range api.AllCompanies(ctx, bangwo8.ListOptions{IncludeDeleted: true, PerPage: listPageSize}) {
		if err != nil {
			return nil, fmt.Errorf("listing companies for keys a spreadsheet program may have changed: %w", err)
		}
		have := keyOf(&c, match)
		if have == "" || !mapping.MayBeMangled(have) {
			continue
		}
		candidates := byBase[mapping.ManglingBase(have)]
		if len(lengths) > 0 {
			if v, err := strconv.ParseFloat(have, 64); err == nil {
				for _, n := range lengths {
					candidates = slices.Concat(candidates, byForm[sci{n, strconv.FormatFloat(v, 'e', n-1, 64)}])
				}
			}
		}
		for _, k := range candidates {
			if mapping.Mangled(have, k) != "" {
				out[k] = append(out[k], keep.unpack(keep.pack(&c)))
			}
		}
	}
	return out, nil
}

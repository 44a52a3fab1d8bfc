package exporter

import "github.com/bangwo8-etl/bangwo8-etl/bangwo8"

// repeatFilter drops a company already written by this export. Pages are read by offset, so a
// company that moves into the selection before the cursor pushes the next one onto the next
// page a second time: that repeat must go.
type repeatFilter interface {
	fresh(c *bangwo8.Company) bool
}

// ascendingIDs serves a source in ascending id order: a company is fresh when its id is above
// the last one written. No set grows with the export.
type ascendingIDs struct{ last int64 }

func (a *ascendingIDs) fresh(c *bangwo8.Company) bool {
	if c.UID <= a.last {
		return false
	}
	a.last = c.UID
	return true
}

// recentIDs serves a search: its order (createDT, then uId) is not the id order, and a repeat
// can only come from a neighbouring page, so the ids of the last two windows are remembered.
type recentIDs struct {
	prev, cur map[int64]bool
	window    int
}

const recentWindow = 5000

func (r *recentIDs) fresh(c *bangwo8.Company) bool {
	if r.cur[c.UID] || r.prev[c.UID] {
		return false
	}
	if r.cur == nil || r.window >= recentWindow {
		r.prev, r.cur, r.window = r.cur, make(map[int64]bool), 0
	}
	r.cur[c.UID] = true
	r.window++
	return true
}

// noRepeats serves ids, made unique before the export starts.
type noRepeats struct{}

func (noRepeats) fresh(*bangwo8.Company) bool { return true }

// inDays reports whether the date-time s ("2018-02-03 00:00:00") falls within the days
// [start, end] ("" is unbounded). An empty s is outside any bound.
func inDays(s, start, end string) bool {
	if start == "" && end == "" {
		return true
	}
	if len(s) < 10 {
		return false
	}
	day := s[:10]
	return (start == "" || day >= start) && (end == "" || day <= end)
}

// matches applies f locally, for sources whose service call has no date filter.
func (f Filter) matches(c *bangwo8.Company) bool {
	return inDays(c.CreateDT, f.CreatedStart, f.CreatedEnd) && inDays(c.UpdateDT, f.UpdatedStart, f.UpdatedEnd)
}

package exporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"

	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/internal/runlock"
	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
)

// Summary tells what an export did, and (tally.Summary) to which file and how long it took.
type Summary struct {
	tally.Summary
	Format    Format
	Source    string // list, search or ids
	Companies int    // rows written
	Sheets    int    // xlsx sheets; 0 for CSV
	Pages     int    // pages (or id chunks) read

	Deleted   int // dropped: soft-deleted, and deleted ones were not asked for
	Repeats   int // dropped: already written by this export (pages shifted under it)
	Unchanged int // dropped: written by the last incremental run and not changed since

	// MissingIDs are ids asked for (--ids) or found by the search that show_many did not return.
	MissingIDs []int64
	// UnmappedKeys counts, per custom field key the mapping has no column for, the companies
	// written that carry it: those values are not in the file.
	UnmappedKeys map[string]int
	// Refused counts, per column of the mapping and rule, the cells written that the
	// mapping's own import rules refuse (mapping.Column.ImportRule): an import of the file
	// would find those rows invalid.
	Refused map[RefusedCells]int
	// CustomKeys are the custom field keys that got a column (default columns only).
	CustomKeys []string
	// NewestUpdate is the newest updateDT of the incremental state after the run.
	NewestUpdate string
	// Future are the companies (at most MaxFutureListed) an incremental export wrote whose
	// updateDT lies past the server's clock and FutureMargin: written every time, they never
	// move the state (FutureCount counts them all).
	Future      []DatedCompany
	FutureCount int
	// StateReset is set when the state's newest update lay in the future (a state written
	// before the guard): it was dropped and everything the filters select was exported.
	StateReset string
	// Passwords: the file holds the service passwords (服务密码), and is readable by its
	// owner only (0600). PasswordsLeftOut: the default columns left them out.
	Passwords, PasswordsLeftOut bool
}

// DatedCompany names a company by its id, name and updateDT.
type DatedCompany struct {
	UID      int64
	Name     string
	UpdateDT string
}

// MaxFutureListed bounds Summary.Future: a service whose clock is wrong would otherwise list
// every company.
const MaxFutureListed = 20

// RefusedCells names a column of the mapping and a rule its exported cells break.
type RefusedCells struct {
	Header string
	Rule   mapping.Rule
}

// Run exports the companies o selects from api into o.Out. The file appears only when it is
// complete; on any error, cancellation included, nothing is left under o.Out (nor beside it)
// and the state file is not touched. The state file is written after the output is in place.
func Run(ctx context.Context, api API, o Options) (*Summary, error) {
	began := time.Now()
	if err := o.Check(); err != nil {
		return nil, err
	}
	format, _ := FormatOf(o.Out)
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	var prev, next *State
	var stateReset string
	updatedStart := o.Filter.UpdatedStart
	if o.StatePath != "" {
		// One run at a time: two would read the same state and the second would save over
		// the first.
		lock, err := runlock.Acquire(o.StatePath, "bangwo8-etl export --out "+o.Out)
		if err != nil {
			return nil, fmt.Errorf("state file: %w", err)
		}
		defer lock.Release()
		if prev, err = LoadState(o.StatePath); err != nil {
			return nil, err
		}
		if err := prev.CheckService(o.StatePath, o.Server, o.Account); err != nil {
			return nil, err
		}
		if prev.Newest > latestPossible(time.Now()) {
			// Frozen by a company dated in the future before the guard existed: its day would
			// hold back every change until then. Start again from the filters.
			log.Warn("the state's newest update lies in the future (a company dated in the future set it): it is dropped and everything the filters select is exported this time",
				"state", o.StatePath, "newest_update", prev.Newest)
			stateReset = prev.Newest
			prev = &State{Version: stateVersion, Seen: map[int64]string{}, Source: prev.Source}
		}
		if d := prev.Day(); d > updatedStart {
			updatedStart = d
		}
		if prev.Newest != "" && prev.Source != describeSource(&o) {
			log.Warn("the state file was written by an export of other companies; only changes since its date are exported",
				"state", o.StatePath, "was", prev.Source, "now", describeSource(&o))
		}
		next = &State{Version: stateVersion, Newest: prev.Newest, Seen: maps.Clone(prev.Seen), Source: describeSource(&o),
			Server: o.Server, Account: o.Account}
	}
	src, err := newSource(api, &o, updatedStart, false)
	if err != nil {
		return nil, err
	}

	e := &export{o: &o, api: api, updatedStart: updatedStart, log: log, src: src, prev: prev, next: next, began: began,
		sum: &Summary{Summary: tally.Summary{File: o.Out}, Format: format, Source: src.name, StateReset: stateReset,
			Passwords: o.passwords(), PasswordsLeftOut: o.Mapping == nil && !o.IncludePasswords}}
	perm := os.FileMode(0o644)
	if e.sum.Passwords {
		perm = 0o600
	}
	err = atomicfile.WriteMode(o.Out, perm, func(f *os.File) error {
		if o.Mapping == nil {
			return e.viaSpool(ctx, f)
		}
		return e.direct(ctx, f)
	})
	if err != nil {
		return nil, fmt.Errorf("export to %s: %w", o.Out, err)
	}
	if next != nil {
		if err := next.Save(o.StatePath); err != nil {
			return nil, fmt.Errorf("export to %s is complete, but the state was not saved (the next run repeats this one): %w", o.Out, err)
		}
		e.sum.NewestUpdate = next.Newest
	}
	e.sum.Elapsed = time.Since(began)
	return e.sum, nil
}

// describeSource names what an export selects, apart from the dates an incremental run moves.
func describeSource(o *Options) string {
	f := o.Filter
	s := fmt.Sprintf("created=%s..%s updated-end=%s include-deleted=%t", f.CreatedStart, f.CreatedEnd, f.UpdatedEnd, f.IncludeDeleted)
	switch {
	case o.Query != "":
		s = fmt.Sprintf("search %q %s", o.Query, s)
	case len(o.IDs) > 0:
		s = fmt.Sprintf("ids (%d) %s", len(o.IDs), s)
	default:
		s = "list " + s
	}
	return s
}

// export is the state of one Run.
type export struct {
	o            *Options
	api          API
	updatedStart string
	log          *slog.Logger
	src          *source
	prev, next   *State
	sum          *Summary
	began        time.Time
	// serverNow is the latest Date the service's answers carried: the clock an updateDT is
	// checked against (see FutureMargin); zero before the first.
	serverNow time.Time
}

// future reports whether c's updateDT lies past the service's clock and FutureMargin (this
// machine's clock when the service sent no Date).
func (e *export) future(c *bangwo8.Company) bool {
	now := e.serverNow
	if now.IsZero() {
		now = time.Now()
	}
	return c.UpdateDT > latestPossible(now)
}

// each reads the source and calls write for every company that belongs in the file.
func (e *export) each(ctx context.Context, write func(c *bangwo8.Company) error) error {
	fresh := e.src.dedup()
	var paging *bangwo8.Paging
	consume := func(p page) error {
		if paging != nil {
			if n, _ := paging.Next(); p.number != n {
				return fmt.Errorf("%s: page %d arrived when page %d was due", e.src.name, p.number, n)
			}
			take, done, err := paging.Add(p.ids, p.end)
			if err != nil {
				return fmt.Errorf("%s: %w", e.src.name, err)
			}
			if !take {
				p.companies, p.missing = nil, nil
			}
			if err := e.consume(ctx, p, fresh, write); err != nil {
				return err
			}
			if done {
				return errLastPage
			}
			return nil
		}
		return e.consume(ctx, p, fresh, write)
	}
	if !e.src.paged {
		return fetchInOrder(ctx, e.o.Concurrency, func(ctx context.Context, n int) (page, error) {
			return e.src.fetch(ctx, n, 0)
		}, consume)
	}

	// The first page alone: it tells the page size the service honours (Paging), and whether
	// its records carry a status to drop the deleted ones by.
	paging = bangwo8.NewPaging(1, e.o.PerPage)
	first, err := e.src.fetch(ctx, 1, e.o.PerPage)
	if err != nil {
		return err
	}
	if !e.o.Filter.IncludeDeleted && withoutStatus(first.companies) {
		e.log.Info("the companies carry no status: the service leaves the deleted ones out (deStat=0)", "source", e.src.name)
		if e.src, err = newSource(e.api, e.o, e.updatedStart, true); err != nil {
			return err
		}
		if first, err = e.src.fetch(ctx, 1, e.o.PerPage); err != nil {
			return err
		}
	}
	first.number = 1
	if err := consume(first); errors.Is(err, errLastPage) {
		return nil
	} else if err != nil {
		return err
	}
	from, size := paging.Next()
	return fetchInOrder(ctx, e.o.Concurrency, func(ctx context.Context, n int) (page, error) {
		return e.src.fetch(ctx, from+n-1, size)
	}, func(p page) error {
		p.number = from + p.number - 1
		return consume(p)
	})
}

// withoutStatus reports whether some company carries no status.
func withoutStatus(cs []bangwo8.Company) bool {
	for i := range cs {
		if cs[i].Status == 0 {
			return true
		}
	}
	return false
}

// consume writes the companies of one page that belong in the file.
func (e *export) consume(ctx context.Context, p page, fresh repeatFilter, write func(c *bangwo8.Company) error) error {
	e.sum.Pages++
	e.sum.MissingIDs = append(e.sum.MissingIDs, p.missing...)
	if p.date.After(e.serverNow) {
		e.serverNow = p.date
	}
	for i := range p.companies {
		c := &p.companies[i]
		if c.Status == 0 && e.src.paged && !e.src.serverDeleted && !e.o.Filter.IncludeDeleted {
			return fmt.Errorf("%s page %d: company %d carries no status, unlike those of page 1: cannot tell whether it is deleted", e.src.name, p.number, c.UID)
		}
		if !e.keep(c, fresh) {
			continue
		}
		if err := write(c); err != nil {
			return err
		}
		e.sum.Companies++
	}
	e.progress("fetch", e.sum.Companies, 0)
	return ctx.Err()
}

// keep applies the filters that are local to the export.
func (e *export) keep(c *bangwo8.Company, fresh repeatFilter) bool {
	if !fresh.fresh(c) {
		e.sum.Repeats++
		return false
	}
	if c.Deleted() && !e.o.Filter.IncludeDeleted {
		e.sum.Deleted++
		return false
	}
	if !e.src.local.matches(c) {
		return false
	}
	if e.next != nil {
		if e.future(c) {
			e.sum.FutureCount++
			if len(e.sum.Future) < MaxFutureListed {
				e.sum.Future = append(e.sum.Future, DatedCompany{UID: c.UID, Name: c.CompanyName, UpdateDT: c.UpdateDT})
			}
			return true
		}
		e.next.observe(c.UID, c.UpdateDT)
		if e.prev.unchanged(c.UID, c.UpdateDT) {
			e.sum.Unchanged++
			return false
		}
	}
	return true
}

// progress reports done companies of total (0: unknown) in phase.
func (e *export) progress(phase string, done, total int) {
	if e.o.Progress != nil {
		e.o.Progress(Progress{Phase: phase, Done: int64(done), Total: int64(total), Pages: int64(e.sum.Pages), Elapsed: time.Since(e.began)})
	}
}

// direct streams rows in the columns of the mapping file; custom keys it does not name are
// counted.
func (e *export) direct(ctx context.Context, f *os.File) (err error) {
	m := e.o.Mapping
	mapped := map[string]bool{}
	for _, col := range m.Columns {
		if k, ok := col.CustomKey(); ok {
			mapped[k] = true
		}
	}
	out, err := newSink(e.o, f)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.abort()
		}
	}()
	if err := out.header(m.Headers()); err != nil {
		return err
	}
	var cells []mapping.Cell
	err = e.each(ctx, func(c *bangwo8.Company) error {
		for _, cf := range c.CustomFields {
			if !mapped[cf.Key] {
				if e.sum.UnmappedKeys == nil {
					e.sum.UnmappedKeys = map[string]int{}
				}
				e.sum.UnmappedKeys[cf.Key]++
			}
		}
		cells = m.AppendRow(cells[:0], c)
		for i, col := range m.Columns {
			if rule := col.ImportRule(cells[i]); rule != "" {
				if e.sum.Refused == nil {
					e.sum.Refused = map[RefusedCells]int{}
				}
				e.sum.Refused[RefusedCells{Header: col.Header, Rule: rule}]++
			}
		}
		return out.row(cells)
	})
	if err != nil {
		return err
	}
	if err := out.finish(); err != nil {
		return err
	}
	e.sum.Sheets = out.sheets()
	return nil
}

// viaSpool writes the default columns: rows go to a spool while the custom keys are
// collected, then to the output with one column per key.
func (e *export) viaSpool(ctx context.Context, f *os.File) (err error) {
	sp, err := newSpool(e.o.Out)
	if err != nil {
		return err
	}
	defer sp.close()

	m := e.o.defaultColumns(nil)
	known := map[string]bool{}
	var cells []mapping.Cell
	var fresh []string
	err = e.each(ctx, func(c *bangwo8.Company) error {
		fresh = fresh[:0]
		for _, cf := range c.CustomFields {
			if cf.Key != "" && !known[cf.Key] {
				known[cf.Key] = true
				fresh = append(fresh, cf.Key)
			}
		}
		// One new mapping per company that brings keys, not per key: each copies them all.
		m = m.WithCustomColumns(fresh...)
		cells = m.AppendRow(cells[:0], c)
		return sp.write(cells)
	})
	if err != nil {
		return err
	}

	keys := sortedKeys(known)
	final := e.o.defaultColumns(keys)
	e.sum.CustomKeys = keys
	// Where each spooled column goes in the final order.
	index := make(map[string]int, len(final.Columns))
	for i, col := range final.Columns {
		index[col.Field] = i
	}
	to := make([]int, len(m.Columns))
	for i, col := range m.Columns {
		j, ok := index[col.Field]
		if !ok {
			return fmt.Errorf("internal: column %s missing from the final columns", col)
		}
		to[i] = j
	}

	out, err := newSink(e.o, f)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.abort()
		}
	}()
	if err := out.header(final.Headers()); err != nil {
		return err
	}
	row := make([]mapping.Cell, len(final.Columns))
	written := 0
	total := e.sum.Companies
	err = sp.replay(func(cells []mapping.Cell) error {
		clear(row)
		for i, c := range cells {
			row[to[i]] = c
		}
		if err := out.row(row); err != nil {
			return err
		}
		written++
		if written%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			e.progress("write", written, total)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if written != total {
		return fmt.Errorf("internal: spooled %d rows, read back %d", total, written)
	}
	if err := out.finish(); err != nil {
		return err
	}
	e.progress("write", written, total)
	e.sum.Sheets = out.sheets()
	return nil
}

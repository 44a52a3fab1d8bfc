package undo

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// API is what undo needs of the service; *bangwo8.Client has it.
type API interface {
	ShowMany(ctx context.Context, ids []int64) ([]bangwo8.Company, *bangwo8.Response, error)
	UpdateCompany(ctx context.Context, id int64, in bangwo8.CompanyInput) (*bangwo8.Company, *bangwo8.Response, error)
}

// State is what undo will do, or did, with a field or a company.
type State string

// States of a field of an updated company.
const (
	Restore         State = "restore"          // the field still holds what the import wrote: it gets its old value back
	AlreadyRestored State = "already_restored" // the field holds its old value (an earlier undo, or an update that never took)
	Conflict        State = "conflict"         // the field changed again since the import: left alone
	NotKept         State = "not_kept"         // a password: the journal keeps no value to restore
)

// States of a company.
const (
	Delete         State = "delete"          // created by the import: to be soft-deleted
	AlreadyDeleted State = "already_deleted" // created by the import and deleted since
	NotFound       State = "not_found"       // the service does not have it (any more)
	Failed         State = "failed"          // its update failed (Company.Err says why)
	NotDone        State = "not_done"        // the undo stopped before its update
	Unknown        State = "unknown"         // a create sent without a recorded outcome (Plan.Unknown)
)

// Field is a field an import changed in a company it updated.
type Field struct {
	Field  string // JSON key or custom.<key>
	Header string // the sheet's column
	// Old is the value before the import, Written the value the import left, Now the
	// company's value when the plan was made. All are zero for a password (NotKept).
	Old, Written, Now bangwo8.FieldValue
	State             State
}

// Company is a company the import wrote.
type Company struct {
	UID  int64
	Name string // as the service has it now ("" when not found)
	Key  string // the match key of its first row
	Rows []int  // the rows of the input that wrote it
	// Created is a company the import created: undo soft-deletes it.
	Created bool
	// State is the company's own: Delete or AlreadyDeleted for a created one, NotFound,
	// Failed or NotDone; "" for an updated company whose Fields say what happens.
	State  State
	Fields []Field
	Err    string // why its update failed
}

// writes reports whether the company needs an update.
func (c *Company) writes() bool {
	if c.State != "" {
		return c.State == Delete
	}
	return slices.ContainsFunc(c.Fields, func(f Field) bool { return f.State == Restore })
}

// Plan is what an undo of one journal does.
type Plan struct {
	Journal   *importer.Journal
	Companies []*Company // by the first row that wrote each
	// Applied is set once Apply has run: the states then say what was done (Restore: restored,
	// Delete: deleted), not what will be.
	Applied bool
	// Unknown are the rows whose create was sent by a run that stopped before it heard the
	// answer: the company may exist, and only a resumed import can tell (see State Unknown).
	Unknown []importer.JournalEntry
}

// Phases of an undo, for Options.Progress.
const (
	PhaseRead  = "read"  // the companies' current values
	PhaseWrite = "write" // their updates
)

// Options configure Prepare and Apply. The zero value reads and writes one call at a time,
// silently.
type Options struct {
	Concurrency int                  // calls in flight at once (the client's pacer spaces them)
	Progress    func(tally.Progress) // after each call; must be quick, may be called at once from several goroutines
}

func (o *Options) progress(phase string, done, total int, start time.Time) {
	if o.Progress != nil {
		o.Progress(tally.Progress{Phase: phase, Done: int64(done), Total: int64(total), Elapsed: time.Since(start)})
	}
}

// Prepare makes the plan of undoing the import that wrote j: it reads what the journal says
// the import did and the current values of those companies (show_many).
func Prepare(ctx context.Context, api API, j *importer.Journal, opts Options) (*Plan, error) {
	p := fromJournal(j)
	ids := make([]int64, len(p.Companies))
	for i, c := range p.Companies {
		ids[i] = c.UID
	}
	now, err := showAll(ctx, api, ids, opts)
	if err != nil {
		return nil, fmt.Errorf("reading the companies the import wrote: %w", err)
	}
	for _, c := range p.Companies {
		c.compare(now[c.UID])
	}
	return p, nil
}

// change is the set of fields one row changed in a company, at its place in the journal.
type change struct {
	at      int
	uid     int64
	changes []importer.FieldChange
}

// fromJournal folds the journal's entries into the companies the import wrote, before their
// current values are known. Entries are grouped by the row's identity (its key, or its
// content), which stays the same when the file is fixed and run again; the row number shown
// is the latest run's.
func fromJournal(j *importer.Journal) *Plan {
	type rowTrace struct {
		row      int
		key      string
		creating bool
		created  *importer.JournalEntry
		updated  *importer.JournalEntry // the last finished update
		intent   *importer.JournalEntry // the first update sent
		intentAt int
		doneAt   int
	}
	rows := map[string]*rowTrace{}
	for i := range j.Entries {
		e := &j.Entries[i]
		t := rows[e.ID]
		if t == nil {
			t = &rowTrace{}
			rows[e.ID] = t
		}
		t.row, t.key = e.Row, e.Key
		switch e.Action {
		case importer.ActionCreating:
			t.creating = true
		case importer.ActionUpdating:
			if t.intent == nil {
				t.intent, t.intentAt = e, i
			}
		case report.ActionCreated:
			if e.UID > 0 {
				t.created = e
			}
		case report.ActionUpdated:
			t.updated, t.doneAt = e, i
		}
	}
	// People read a plan by the rows of their sheet; the journal has them in the order the
	// writes finished.
	traces := slices.SortedFunc(maps.Values(rows), func(a, b *rowTrace) int { return cmp.Compare(a.row, b.row) })

	p := &Plan{Journal: j}
	byUID := map[int64]*Company{}
	company := func(uid int64, row int, key string) *Company {
		c := byUID[uid]
		if c == nil {
			c = &Company{UID: uid, Key: key}
			byUID[uid] = c
			p.Companies = append(p.Companies, c)
		}
		c.Rows = append(c.Rows, row)
		return c
	}
	var changes []change
	for _, t := range traces {
		row := t.row
		switch {
		case t.created != nil:
			company(t.created.UID, row, t.key).Created = true
		case t.creating:
			p.Unknown = append(p.Unknown, importer.JournalEntry{Row: row, Key: t.key, Action: importer.ActionCreating})
		case t.updated != nil && t.updated.UID > 0:
			company(t.updated.UID, row, t.key)
			changes = append(changes, change{t.doneAt, t.updated.UID, t.updated.Changes})
		case t.intent != nil && t.intent.UID > 0:
			// Sent, and no outcome recorded (killed, or failed after it may have taken):
			// the fields are checked like any others.
			company(t.intent.UID, row, t.key)
			changes = append(changes, change{t.intentAt, t.intent.UID, t.intent.Changes})
		}
	}
	slices.SortStableFunc(changes, func(a, b change) int { return cmp.Compare(a.at, b.at) })
	for _, ch := range changes {
		byUID[ch.uid].fold(ch.changes)
	}
	return p
}

// fold adds the fields one row changed: a field changed before keeps its first old value and
// takes the new written one.
func (c *Company) fold(changes []importer.FieldChange) {
	for _, ch := range changes {
		i := slices.IndexFunc(c.Fields, func(f Field) bool { return f.Field == ch.Field })
		if i < 0 {
			c.Fields = append(c.Fields, Field{Field: ch.Field, Header: ch.Header})
			i = len(c.Fields) - 1
			if ch.Old != nil {
				c.Fields[i].Old = *ch.Old
			}
		}
		f := &c.Fields[i]
		switch {
		case ch.Sensitive || ch.Old == nil || ch.New == nil:
			f.State = NotKept
		case f.State != NotKept:
			f.Written = *ch.New
		}
		f.Header = cmp.Or(f.Header, ch.Header)
	}
}

// compare sets the states of c from its current values now (nil when the service does not
// have it).
func (c *Company) compare(now *bangwo8.Company) {
	if now == nil {
		c.State = NotFound
		return
	}
	c.Name = now.CompanyName
	if c.Created {
		// The company goes: its fields do not matter.
		c.Fields = nil
		c.State = Delete
		if now.Deleted() {
			c.State = AlreadyDeleted
		}
		return
	}
	for i := range c.Fields {
		f := &c.Fields[i]
		if f.State == NotKept {
			continue
		}
		f.Now = valueOf(now, f.Field)
		switch {
		case same(f.Field, f.Now, f.Written):
			f.State = Restore
		case same(f.Field, f.Now, f.Old):
			f.State = AlreadyRestored
		default:
			f.State = Conflict
		}
	}
}

// valueOf is the value of the field (a JSON key or custom.<key>) in c; a custom field c does
// not have is empty.
func valueOf(c *bangwo8.Company, name string) bangwo8.FieldValue {
	if key, ok := strings.CutPrefix(name, "custom."); ok {
		v, _ := c.Custom(key)
		return v
	}
	s, _ := c.Get(field.Key(name))
	return bangwo8.Text(s)
}

// same reports whether two values of the field are the same: equal, both empty whatever their
// shape, or, for an amount, equal as numbers ("12.5" and "12.50": an update's intent holds
// the value sent, the service keeps its own spelling).
func same(name string, a, b bangwo8.FieldValue) bool {
	if a.Equal(b) || (len(a.Strings()) == 0 && len(b.Strings()) == 0) {
		return true
	}
	if info, ok := field.Lookup(field.Key(name)); !ok || info.Kind != field.Decimal || a.IsList() || b.IsList() {
		return false
	}
	x, okx := new(big.Rat).SetString(strings.TrimSpace(a.String()))
	y, oky := new(big.Rat).SetString(strings.TrimSpace(b.String()))
	return okx && oky && x.Cmp(y) == 0
}

// showAll reads the companies ids with show_many, bangwo8.MaxShowMany at a time, at most
// opts.Concurrency calls at once. A company the service does not return is absent from the map.
func showAll(ctx context.Context, api API, ids []int64, opts Options) (map[int64]*bangwo8.Company, error) {
	start := time.Now()
	out := make(map[int64]*bangwo8.Company, len(ids))
	var mu sync.Mutex
	read := 0
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(opts.Concurrency, 1))
	for chunk := range slices.Chunk(ids, bangwo8.MaxShowMany) {
		g.Go(func() error {
			cos, _, err := api.ShowMany(gctx, chunk)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for i := range cos {
				if slices.Contains(chunk, cos[i].UID) { // an id not asked for is not ours
					out[cos[i].UID] = &cos[i]
				}
			}
			read += len(chunk)
			opts.progress(PhaseRead, read, len(ids), start)
			return nil
		})
	}
	return out, g.Wait()
}

// Tally counts the plan by state: the fields of updated companies, the companies created,
// not found, failed or not done, and the unknown creates.
func (p *Plan) Tally() map[State]int {
	n := map[State]int{}
	for _, c := range p.Companies {
		if c.State != "" {
			n[c.State]++
			continue
		}
		for _, f := range c.Fields {
			n[f.State]++
		}
	}
	n[Unknown] += len(p.Unknown)
	return n
}

// Writes is the number of updates Apply will send.
func (p *Plan) Writes() int {
	n := 0
	for _, c := range p.Companies {
		if c.writes() {
			n++
		}
	}
	return n
}

// Settled reports whether the plan leaves nothing for a person: no conflict, no password it
// cannot restore, no company missing, failed or not done, no create of unknown outcome.
func (p *Plan) Settled() bool {
	for s, n := range p.Tally() {
		switch s {
		case Restore, AlreadyRestored, Delete, AlreadyDeleted:
		default:
			if n > 0 {
				return false
			}
		}
	}
	return true
}

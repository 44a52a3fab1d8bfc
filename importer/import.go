package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// Import validates every row of input, finds the companies the rows match, and writes the
// rows that change something, several at once, through api (whose pacer spaces the calls).
//
// It reads the file twice and holds no row between the passes: the first pass checks every
// row and collects the match keys; the companies with those keys are looked up; the second
// pass reads the rows again, plans each (create, update, unchanged, invalid) and writes it.
//
// Nothing is written when any row is invalid, unless opts.SkipInvalid. A row that fails is
// reported, not fatal; a 401 stops the run, and so does ctx: rows in flight are let finish
// (opts.WriteGrace), the rest are reported as skipped. The report is written in every case
// but one: a write to the report or the journal that fails (a full disk) ends the run at once
// with that error, and drops the report. The error is nil unless the run could not finish
// (the summary says how far it got).
func Import(ctx context.Context, api API, input string, m *mapping.Mapping, opts Options) (*Summary, error) {
	return importWith(ctx, api, input, m, opts, openReport)
}

// importWith is Import with its report started by open.
func importWith(ctx context.Context, api API, input string, m *mapping.Mapping, opts Options, open reportOpener) (_ *Summary, err error) {
	start := time.Now()
	opts.defaults(m)
	sum := &Summary{Summary: tally.Summary{File: input}, Mode: opts.Mode, DryRun: opts.DryRun}
	defer func() { sum.Elapsed = time.Since(start) }()
	if opts.Mode == ModeUpdate && m.Match == "" {
		return sum, fmt.Errorf("mode update needs a match key in the mapping (match: uId, serviceaccount or companyName)")
	}
	if opts.Mode == ModeUpsert && m.Match == "" {
		return sum, fmt.Errorf("mode upsert needs a match key in the mapping (match: uId, serviceaccount or companyName)")
	}

	guard, err := guardInput(input)
	if err != nil {
		return sum, err
	}
	assets, err := openAssets(opts.Assets, m)
	if err != nil {
		return sum, err
	}
	var j *journal
	if opts.Journal != "" {
		j, err = openJournal(opts.Journal, journalHeader{Kind: journalKind, Version: journalVersion, Input: input,
			Account: opts.Account, Server: opts.Server, Mapping: opts.MappingDigest, Mode: opts.Mode})
		if err != nil {
			return sum, err
		}
		if opts.DryRun {
			j.f.Close() // read for the plan, never written by a dry run
			j.f = nil
		}
		// The last lines are on disk only once synced: a run whose journal cannot be synced
		// has not recorded what it did, and says so. The lock goes with it.
		defer func() { err = cmp.Or(err, j.close()) }()
	}

	// Pass 1: check every row, collect the keys to look up.
	pp := &problemPrinter{w: opts.Problems, file: input, max: opts.MaxProblems, m: m, l: opts.Lang, report: opts.Report}
	keys := map[string]struct{}{}
	uids := map[int64]string{} // uId -> key, of the rows whose uId wins over their key
	valid := 0
	progress := func(phase string, done, total int) {
		opts.Progress(Progress{Phase: phase, Done: int64(done), Total: int64(total), Elapsed: time.Since(start)})
	}
	sheetName, err := scanCells(ctx, input, m, pp.warnVia(warner(opts.Logger, input, opts.Lang)), func(row int, cells []string, rec *mapping.Record, problems []mapping.Problem) error {
		guard.read(row, cells)
		sum.Rows++
		progress(PhaseValidate, sum.Rows, 0)
		if rec == nil {
			pp.print(problems)
			return nil
		}
		valid++
		if j != nil {
			if _, done := j.done[rowIdentity(rec)]; done {
				return nil
			}
		}
		// Copies: a key is a piece of its row's text (a CSV line), which it would keep.
		if rec.Key != "" {
			keys[strings.Clone(rec.Key)] = struct{}{}
		}
		if byUID(m, opts.Mode, rec) {
			uids[rec.UID] = strings.Clone(rec.Key)
		}
		return nil
	})
	sum.Sheet = sheetName
	if err != nil {
		return sum, err
	}
	sum.Valid = valid
	blocked := valid < sum.Rows && !opts.SkipInvalid && !opts.DryRun

	r := &run{api: api, m: m, opts: &opts, sum: sum, journal: j, pp: pp, blockedBy: sum.Rows - valid, assets: assets, guard: guard,
		claims: newClaims()}
	if j != nil {
		for _, e := range j.done {
			r.claims.hold(e.UID)
		}
	}
	if !blocked && m.Match != "" {
		progress(PhaseLookup, 0, len(keys))
		keep := keeperOf(m)
		r.existing, err = lookup(ctx, api, m.Match, keys, opts.Concurrency, keep)
		if err != nil {
			return sum, fmt.Errorf("finding the existing companies: %w", err)
		}
		if r.ids.byUID, err = lookupUIDs(ctx, api, uids, r.existing, keep); err != nil {
			return sum, fmt.Errorf("finding the companies of the rows' uIds: %w", err)
		}
		if r.ids.near, err = lookupNear(ctx, api, m.Match, r.unmatchedMangled(keys), keep); err != nil {
			return sum, err
		}
		progress(PhaseLookup, len(keys), len(keys))
	}
	inTrouble := r.existing != nil && (r.anyUIDInTrouble(uids) || len(r.ids.near) > 0 || r.anyKeyInTrouble(keys))
	if !blocked && !opts.SkipInvalid && !opts.DryRun && (r.assets != nil || inTrouble) {
		// Some rows cannot be matched: find how many before anything is written.
		unmatched, err := r.countUnmatched(ctx, input)
		if err != nil {
			return sum, err
		}
		if unmatched > 0 {
			blocked, r.blockedBy = true, r.blockedBy+unmatched
		}
	}
	clear(keys)
	if err := guard.same(); err != nil {
		return sum, err
	}

	// Pass 2: plan and write each row.
	rep, err := open(opts.Report, input, m, opts.Lang)
	if err != nil {
		return sum, err
	}
	r.sink = newSink(rep, j, sum, &opts, start)
	err = r.writeAll(ctx, input, blocked)
	pp.finish()
	return sum, cmp.Or(err, r.sink.closeReport())
}

// run is the second pass of one import.
type run struct {
	api       API
	m         *mapping.Mapping
	opts      *Options
	sum       *Summary
	journal   *journal
	existing  *existing
	sink      *sink
	pp        *problemPrinter
	blockedBy int // invalid rows
	// assets fills the extension's targets (import --assets); nil for none.
	assets *assetIndex
	ids    identities
	guard  *inputGuard // the rows as the first pass read them
	claims *claims     // the companies rows hold, so that no company is taken by two
}

// task is one planned row.
type task struct {
	seq     int
	rec     *mapping.Record
	action  report.Action
	target  *bangwo8.Company // the company to update
	input   bangwo8.CompanyInput
	changes []mapping.Change // an update's fields, old -> new
	kept    []mapping.Kept   // cells a spreadsheet program mangled: the company's values stay
	asset   string           // what the extension's asset gave the row (import --assets)
	noOwner bool             // the row has no owner id yet, so no asset (import --assets)
}

// writeAll reads the rows again and plans, reports and (unless blocked or a dry run) writes
// each, at most opts.Concurrency at once.
func (r *run) writeAll(ctx context.Context, input string, blocked bool) error {
	// Writes in flight outlive ctx by WriteGrace, so a create that was sent is answered and
	// recorded instead of left unknown.
	wctx, cancelWrites := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWrites()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(r.opts.WriteGrace, cancelWrites) })
	defer stop()

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.opts.Concurrency)
	seq := 0
	_, scanErr := scanCells(context.WithoutCancel(ctx), input, r.m, nil, func(row int, cells []string, rec *mapping.Record, problems []mapping.Problem) error {
		if err := r.sink.failed(); err != nil {
			return err // the report or the journal cannot be written: read no further
		}
		if err := r.guard.again(seq, row, cells, r.sink.writes()); err != nil {
			return err
		}
		t := task{seq: seq, rec: rec}
		seq++
		// The cells outlive the call when the row is written by a worker: keep a copy, for the
		// workbook report only (the rows waiting for it are at most the writes in flight).
		if report.ShowsCells(r.opts.Report) {
			cells = slices.Clone(cells)
		} else {
			cells = nil
		}
		if rec == nil {
			rules, msg := describe(problems)
			r.sink.put(t.seq, report.Row{Row: row, Action: report.ActionInvalid, Rule: rules, Error: msg, Cells: cells, Problems: problems}, nil)
			return nil
		}
		base := report.Row{Row: row, Key: rec.Key, UID: uidText(rec.UID), Cells: cells}
		if e, done := r.journalDone(rec); done {
			base.Action, base.UID = report.ActionDone, uidText(e.UID)
			base.Note = r.opts.Lang.NoteDoneEarlier(string(e.Action))
			r.sink.put(t.seq, base, nil)
			return nil
		}
		if blocked && r.existing == nil {
			r.putBlocked(t.seq, base)
			return nil
		}
		if err := r.plan(&t); err != nil {
			base.Action, base.Rule, base.Error, base.Asset = report.ActionInvalid, string(ruleOf(err)), err.Error(), t.asset
			if t.target != nil {
				base.UID = uidText(t.target.UID)
			}
			r.pp.print([]mapping.Problem{{Row: row, Column: -1, Rule: ruleOf(err), Message: err.Error()}})
			r.sink.put(t.seq, base, nil)
			return nil
		}
		base.Asset = t.asset
		if blocked {
			r.putBlocked(t.seq, base)
			return nil
		}
		base.UID = ""
		if t.target != nil {
			base.UID = uidText(t.target.UID)
		}
		base.Changed = changedFields(t.changes)
		r.tallyPlan(row, t)
		switch {
		case t.action == report.ActionUnchanged || t.action == report.ActionCreated: // nothing to send
			base.Action = t.action
			if t.action == report.ActionCreated {
				base.Note = r.opts.Lang.NoteFoundCreated()
			}
			var done *mapping.Record
			if !r.opts.DryRun {
				done = t.rec
			}
			r.sink.put(t.seq, r.describe(t, base), done)
			return nil
		case r.opts.DryRun:
			base.Action = t.action
			r.sink.put(t.seq, r.describe(t, base), nil)
			return nil
		case gctx.Err() != nil:
			base.Action = report.ActionSkipped
			base.Note = r.opts.Lang.NoteRunStopped()
			r.sink.put(t.seq, base, nil)
			return nil
		}
		g.Go(func() error {
			res, changes, fatal := r.execute(wctx, t, base)
			var done *mapping.Record
			if res.Action == report.ActionCreated || res.Action == report.ActionUpdated {
				done = t.rec
			}
			r.sink.put(t.seq, r.describe(t, res), done, changes...)
			return fatal
		})
		return nil
	})
	if scanErr == nil {
		scanErr = r.guard.ended(seq)
	}
	fatal := g.Wait()
	if ctx.Err() != nil {
		r.sum.Interrupted = true
	}
	switch {
	case scanErr != nil:
		return scanErr
	case fatal != nil:
		return fatal
	case ctx.Err() != nil:
		return fmt.Errorf("stopped: %w", ctx.Err())
	}
	return r.sink.err
}

func (r *run) putBlocked(seq int, base report.Row) {
	base.Action = report.ActionSkipped
	base.Note = r.opts.Lang.NoteBlocked(r.blockedBy)
	r.sink.put(seq, base, nil)
}

// anyKeyInTrouble reports whether a row with one of keys could fail to match: its key finds
// no company where one is needed, several, or one where none may be.
func (r *run) anyKeyInTrouble(keys map[string]struct{}) bool {
	for k := range keys {
		n := r.existing.count(k)
		switch {
		case n > 1:
			return true
		case n == 0 && (r.opts.Mode == ModeUpdate || r.m.Match == string(field.UID)):
			return true
		case n == 1 && r.opts.Mode == ModeCreate:
			return true
		}
	}
	return false
}

// anyUIDInTrouble reports whether a row matched by its uId could fail to plan: no company
// has the uId, or its key belongs to another company. uids maps each uId to the row's key.
func (r *run) anyUIDInTrouble(uids map[int64]string) bool {
	for uid, key := range uids {
		if !r.ids.byUID.has(uid) {
			return true
		}
		if r.keyOfAnother(key, uid) != nil {
			return true
		}
	}
	return false
}

// countUnmatched reads the file once more and counts the valid rows that plan refuses.
func (r *run) countUnmatched(ctx context.Context, input string) (int, error) {
	n := 0
	_, err := scan(ctx, input, r.m, nil, func(row int, rec *mapping.Record, _ []mapping.Problem) error {
		if rec == nil {
			return nil
		}
		if _, done := r.journalDone(rec); done {
			return nil
		}
		if r.plan(&task{rec: rec}) != nil {
			n++
		}
		return nil
	})
	return n, err
}

// intended reports whether an earlier run sent the create of rec without recording its outcome.
func (r *run) intended(rec *mapping.Record) bool {
	return r.journal != nil && r.journal.intents[rowIdentity(rec)]
}

func (r *run) journalDone(rec *mapping.Record) (JournalEntry, bool) {
	if r.journal == nil {
		return JournalEntry{}, false
	}
	e, ok := r.journal.done[rowIdentity(rec)]
	return e, ok
}

func changedFields(changes []mapping.Change) string {
	fields := make([]string, len(changes))
	for i, c := range changes {
		fields[i] = c.Field
	}
	return strings.Join(fields, ",")
}

// plan decides what to do with a valid row; an error makes it invalid.
func (r *run) plan(t *task) error {
	if r.assets != nil {
		if err := r.backfill(t); err != nil {
			return err
		}
	}
	rec, match := t.rec, r.m.Match
	if byUID(r.m, r.opts.Mode, rec) {
		return r.planByUID(t)
	}
	if match == "" || (rec.Key == "" && r.opts.Mode != ModeUpdate) {
		t.action = report.ActionCreate
		return nil
	}
	if rec.Key == "" {
		return fmt.Errorf("no %s: mode update matches rows by it", match)
	}
	found := r.existing.get(rec.Key)
	if len(found) == 0 {
		if near := r.ids.near[rec.Key]; len(near) > 0 {
			c := near[0]
			return errors.New(r.opts.Lang.MangledKey(r.keyHeader(), rec.Key, keyOf(c, match), c.CompanyName, c.UID))
		}
	}
	switch {
	case len(found) > 1:
		ids := make([]string, len(found))
		for i, c := range found {
			ids[i] = uidText(c.UID)
		}
		return fmt.Errorf("%d companies have %s %q (uId %s): the row cannot tell which one", len(found), match, rec.Key, strings.Join(ids, ", "))
	case len(found) == 0 && match == string(field.UID):
		return errors.New(r.opts.Lang.NoUID(rec.UID))
	case len(found) == 0 && r.opts.Mode == ModeUpdate:
		return fmt.Errorf("no company has %s %q", match, rec.Key)
	case len(found) == 0:
		t.action = report.ActionCreate
		return nil
	}
	t.target = found[0]
	if r.opts.Mode == ModeCreate {
		// The company is this row's if an earlier run of this journal sent its create and was
		// stopped before it heard the answer; anything else with the key is a collision.
		if r.intended(rec) {
			t.action = report.ActionCreated
			return nil
		}
		return fmt.Errorf("a company with %s %q exists (uId %d): use --mode upsert or update", match, rec.Key, t.target.UID)
	}
	r.planUpdate(t)
	return nil
}

// byUID reports whether rec is matched by its uId rather than by its key: on update and
// upsert, a row that carries a uId is that company's, whatever its key says (the key then
// only checks that it names no other company). A create ignores uIds: it copies rows.
func byUID(m *mapping.Mapping, mode Mode, rec *mapping.Record) bool {
	return rec.UID != 0 && m.Match != "" && m.Match != string(field.UID) && mode != ModeCreate
}

// planByUID plans a row that carries a uId: an update of that company. The row is invalid
// when no company has the uId, or when its key belongs to another company.
func (r *run) planByUID(t *task) error {
	rec := t.rec
	target := r.ids.byUID.get(rec.UID)
	if target == nil {
		return errors.New(r.opts.Lang.NoUID(rec.UID))
	}
	t.target = target
	if other := r.keyOfAnother(rec.Key, target.UID); other != nil {
		return errors.New(r.opts.Lang.KeyConflict(r.keyHeader(), rec.Key, other.CompanyName, other.UID, target.UID, target.CompanyName))
	}
	r.planUpdate(t)
	return nil
}

// keyOfAnother returns a company that has key when the company uid does not: the row's key
// then names another company than its uId. nil when the key is empty, finds nothing, or
// finds the company uid among others.
func (r *run) keyOfAnother(key string, uid int64) *bangwo8.Company {
	found := r.existing.get(key)
	if key == "" || len(found) == 0 || slices.ContainsFunc(found, func(c *bangwo8.Company) bool { return c.UID == uid }) {
		return nil
	}
	return found[0]
}

// planUpdate plans the update of t.target: the fields that change, and the mangled cells
// whose values the company keeps.
func (r *run) planUpdate(t *task) {
	t.input, t.changes = t.rec.Update(t.target)
	t.kept = t.rec.Kept(t.target)
	t.action = report.ActionUpdate
	if len(t.changes) == 0 {
		t.action = report.ActionUnchanged
	}
}

// keyHeader is the header of the match column, as messages name the key.
func (r *run) keyHeader() string {
	if c := r.m.MatchColumn(); c != nil {
		return c.Header
	}
	return r.m.Match
}

// unmatchedMangled returns the keys that find no company and may be another company's key
// mangled by a spreadsheet program; only text keys (an account, a name) can be.
func (r *run) unmatchedMangled(keys map[string]struct{}) []string {
	if c := r.m.MatchColumn(); c == nil || c.Type != mapping.TypeText {
		return nil
	}
	var out []string
	for k := range keys {
		if r.existing.count(k) == 0 && mapping.MayBeMangled(k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// execute writes one planned row and returns, for an update, the fields it changed with their
// values before and after (for the journal, so that undo can restore them). The returned error
// is fatal to the run (a 401, 403, an unknown host: bangwo8.IsConfigError); any other failure
// is the row's, in its report line.
func (r *run) execute(ctx context.Context, t task, res report.Row) (report.Row, []FieldChange, error) {
	var fatal error
	fail := func(err error) {
		res.Action, res.Error = report.ActionFailed, err.Error()
		if bangwo8.IsConfigError(err) { // a wrong password, an unknown host: no row can succeed
			fatal = fmt.Errorf("row %d: %w", res.Row, err)
		}
	}
	switch t.action {
	case report.ActionUpdate:
		changes := fieldChanges(t.target, &t.input, t.changes)
		if err := r.sink.intendUpdate(t.rec, t.target.UID, changes); err != nil {
			fail(err) // as a create's intent: nothing was sent
			return res, nil, fatal
		}
		r.sink.wrote()
		r.claims.hold(t.target.UID)
		after, _, err := r.api.UpdateCompany(ctx, t.target.UID, t.input)
		if err != nil {
			fail(err)
			return res, nil, fatal
		}
		res.Action = report.ActionUpdated
		return res, written(changes, after), nil
	case report.ActionCreate:
		uid, note, err := r.create(ctx, t.rec)
		if err != nil {
			fail(err)
			return res, nil, fatal
		}
		res.Action, res.UID, res.Note = report.ActionCreated, uidText(uid), note
	}
	return res, nil, nil
}

// create creates the company of rec, never twice. The client sends a create again when it
// certainly did not take effect (a 429, a request that never left); when the answer is lost
// (errors.Is(err, bangwo8.ErrMaybeCreated)), the company is looked up by the row's key and the
// create is sent again only if it is not there, at most opts.Retries times. A row without a
// key is looked up by its exact name and its values, among the companies no other row holds
// (see claims and findCreated). The journal records the create before it is sent; when a
// resumed run finds that record without an outcome, the lookup comes first.
func (r *run) create(ctx context.Context, rec *mapping.Record) (uid int64, note string, err error) {
	if name := r.lookupName(rec); name != "" {
		// Rows of one name take turns: a twin's company is held before this row looks.
		done, err := r.claims.turn(ctx, name)
		if err != nil {
			return 0, "", err
		}
		defer done()
	}
	uid, note, err = r.createOnce(ctx, rec)
	if err == nil {
		r.claims.hold(uid)
	}
	return uid, note, err
}

// lookupName is the name a row without a key is looked for by after a lost create; "" for a
// row with a key, or without a name.
func (r *run) lookupName(rec *mapping.Record) string {
	if (r.m.Match != "" && rec.Key != "") || rec.Input.CompanyName == nil {
		return ""
	}
	return trimKey(*rec.Input.CompanyName)
}

func (r *run) createOnce(ctx context.Context, rec *mapping.Record) (uid int64, note string, err error) {
	if r.intended(rec) && (rec.Key == "" || r.m.Match == "") {
		// Not found by the key lookup of the plan: look by name.
		if c, err := r.findCreated(ctx, rec); err != nil {
			return 0, "", err
		} else if c != nil {
			return c.UID, r.opts.Lang.NoteFoundCreated(), nil
		}
	}
	if err := r.sink.intend(rec); err != nil {
		return 0, "", err
	}
	for sent := 1; ; sent++ {
		r.sink.wrote()
		c, _, err := r.api.CreateCompany(ctx, rec.Input)
		switch {
		case err == nil:
			return c.UID, "", nil
		case !errors.Is(err, bangwo8.ErrMaybeCreated):
			return 0, "", err
		}
		found, ferr := r.findCreated(ctx, rec)
		switch {
		case ferr != nil:
			return 0, "", fmt.Errorf("%w; looking for it afterwards: %v", err, ferr)
		case found != nil:
			return found.UID, r.opts.Lang.NoteFoundAfterLostAnswer(), nil
		case sent > r.opts.Retries, bangwo8.IsConfigError(err): // a redirect off the base URL: sending again cannot help
			lostAnswers := fmt.Sprintf("the answers of %d creates were", sent)
			if sent == 1 {
				lostAnswers = "the answer of the create was"
			}
			return 0, "", fmt.Errorf("gave up: %s lost and no company was found (retries %d): %w",
				lostAnswers, r.opts.Retries, err)
		}
	}
}

// findCreated looks for the company that a create of rec may have made: by the match key, or,
// without one, by the exact name among the companies that hold every value of the row and
// that no other row holds (the newest first). It is nil when there is none. Without a key, a
// company that existed before with the same name and the same values, and that no row holds,
// may be taken for the row's: harmless, since it is what the row would create.
func (r *run) findCreated(ctx context.Context, rec *mapping.Record) (*bangwo8.Company, error) {
	match, key := r.m.Match, rec.Key
	byName := match == "" || key == ""
	if byName {
		if rec.Input.CompanyName == nil {
			return nil, nil
		}
		match, key = string(field.CompanyName), trimKey(*rec.Input.CompanyName)
	}
	found, err := findByKey(ctx, r.api, match, key)
	if err != nil {
		return nil, err
	}
	if !byName {
		if len(found) == 0 {
			return nil, nil
		}
		return &found[0], nil
	}
	var candidates []*bangwo8.Company
	for i := range found {
		if holdsRow(rec, &found[i]) {
			candidates = append(candidates, &found[i])
		}
	}
	return r.claims.take(candidates), nil
}

// holdsRow reports whether c has every value the row sets. A field the row leaves empty is
// not compared: the service fills some in (serviceCharge "0.00").
func holdsRow(rec *mapping.Record, c *bangwo8.Company) bool {
	for _, ch := range rec.Diff(c) {
		if ch.New != "" {
			return false
		}
	}
	return true
}

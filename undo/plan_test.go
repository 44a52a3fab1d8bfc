package undo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// fakeAPI holds companies in memory: show_many returns the known ids, an update sets the
// fields given, and fail makes the update of an id fail.
type fakeAPI struct {
	mu    sync.Mutex
	cos   map[int64]*bangwo8.Company
	fail  map[int64]error
	puts  []int64
	shows int
}

func (f *fakeAPI) ShowMany(_ context.Context, ids []int64) ([]bangwo8.Company, *bangwo8.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.shows++
	var out []bangwo8.Company
	for _, id := range ids {
		if c, ok := f.cos[id]; ok {
			out = append(out, *c)
		}
	}
	return out, nil, nil
}

func (f *fakeAPI) UpdateCompany(_ context.Context, id int64, in bangwo8.CompanyInput) (*bangwo8.Company, *bangwo8.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts = append(f.puts, id)
	if err := f.fail[id]; err != nil {
		return nil, nil, err
	}
	c := f.cos[id]
	for _, fi := range []string{"companyName", "serviceCharge", "servicestarttime", "status"} {
		if v, ok := in.Get(fieldKey(fi)); ok {
			if err := c.Set(fieldKey(fi), v); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, cf := range in.CustomFields {
		c.SetCustom(cf.Key, cf.Value)
	}
	return c, nil, nil
}

func text(s string) *bangwo8.FieldValue { v := bangwo8.Text(s); return &v }

func list(s ...string) *bangwo8.FieldValue { v := bangwo8.List(s...); return &v }

func entry(row int, a report.Action, uid int64, changes ...importer.FieldChange) importer.JournalEntry {
	key := fmt.Sprintf("acc-%d", row)
	return importer.JournalEntry{Row: row, ID: "key:" + key, Key: key, Action: a, UID: uid, Changes: changes}
}

func ch(field string, old, new *bangwo8.FieldValue) importer.FieldChange {
	return importer.FieldChange{Field: field, Header: field, Old: old, New: new}
}

// TestPlanFromJournal folds a journal of every kind of entry into a plan, compares it with
// the companies' current values, applies it and checks what the companies hold.
func TestPlanFromJournal(t *testing.T) {
	api := &fakeAPI{cos: map[int64]*bangwo8.Company{
		// 1: two rows renamed it A -> B -> C; it still says C.
		1: {UID: 1, CompanyName: "C", ServiceCharge: "12.50"},
		// 2: its amount was changed again since the import; its region is still what was written.
		2: {UID: 2, CompanyName: "二", ServiceCharge: "99.00", CustomFields: []bangwo8.CustomField{{Key: "f1", Value: bangwo8.List("上海", "浦东")}}},
		// 3: an update sent by a run killed before the answer (an intent only); it took.
		3: {UID: 3, CompanyName: "三", ServiceCharge: "5.50"},
		// 4: created; 5: created and deleted since.
		4: {UID: 4, CompanyName: "新四", Status: bangwo8.StatusActive},
		5: {UID: 5, CompanyName: "新五", Status: bangwo8.StatusDeleted},
		// 6: its update never took (an intent, then the row failed).
		6: {UID: 6, CompanyName: "六", ServiceCharge: "1.00"},
	}}
	j := &importer.Journal{Entries: []importer.JournalEntry{
		entry(2, importer.ActionUpdating, 1, ch("companyName", text("A"), text("B"))),
		entry(4, importer.ActionUpdating, 2),
		entry(4, report.ActionUpdated, 2, ch("serviceCharge", text("1.00"), text("2.00")), ch("custom.f1", list("北京", "海淀"), list("上海", "浦东")),
			importer.FieldChange{Field: "servicepassword", Header: "服务密码", Sensitive: true}),
		entry(2, report.ActionUpdated, 1, ch("companyName", text("A"), text("B"))),
		entry(3, report.ActionUpdated, 1, ch("companyName", text("B"), text("C")), ch("serviceCharge", text("10.00"), text("12.50"))),
		entry(5, importer.ActionUpdating, 3, ch("serviceCharge", text("5.00"), text("5.5"))), // the value sent; the service keeps 5.50
		entry(6, importer.ActionCreating, 0),
		entry(6, report.ActionCreated, 4),
		entry(7, importer.ActionCreating, 0),
		entry(7, report.ActionCreated, 5),
		entry(8, importer.ActionCreating, 0), // no outcome
		entry(9, importer.ActionUpdating, 6, ch("serviceCharge", text("1.00"), text("3"))),
		entry(10, report.ActionUnchanged, 0),
		entry(11, report.ActionUpdated, 7, ch("companyName", text("七"), text("柒"))), // gone since
	}}
	var mu sync.Mutex
	last := map[string][2]int64{} // phase -> the highest done, its total
	opts := Options{Concurrency: 2, Progress: func(pr tally.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if pr.Done > last[pr.Phase][0] {
			last[pr.Phase] = [2]int64{pr.Done, pr.Total}
		}
	}}
	p, err := Prepare(context.Background(), api, j, opts)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		state  State
		fields map[string]State
	}
	wants := map[int64]want{
		1: {"", map[string]State{"companyName": Restore, "serviceCharge": Restore}},
		2: {"", map[string]State{"serviceCharge": Conflict, "custom.f1": Restore, "servicepassword": NotKept}},
		3: {"", map[string]State{"serviceCharge": Restore}},
		4: {Delete, nil},
		5: {AlreadyDeleted, nil},
		6: {"", map[string]State{"serviceCharge": AlreadyRestored}},
		7: {NotFound, map[string]State{"companyName": ""}},
	}
	var order []int64
	for _, c := range p.Companies {
		order = append(order, c.UID)
		w := wants[c.UID]
		if c.State != w.state || len(c.Fields) != len(w.fields) {
			t.Errorf("company %d: state %q, %d fields; want %q, %d", c.UID, c.State, len(c.Fields), w.state, len(w.fields))
			continue
		}
		for _, f := range c.Fields {
			if f.State != w.fields[f.Field] {
				t.Errorf("company %d field %s: %s, want %s", c.UID, f.Field, f.State, w.fields[f.Field])
			}
		}
	}
	if fmt.Sprint(order) != "[1 2 3 4 5 6 7]" {
		t.Errorf("companies in order %v, want by first row", order)
	}
	if len(p.Unknown) != 1 || p.Unknown[0].Row != 8 {
		t.Errorf("unknown creates %+v, want row 8", p.Unknown)
	}
	if p.Companies[0].Fields[0].Old.String() != "A" || p.Companies[0].Fields[0].Written.String() != "C" {
		t.Errorf("a field two rows changed: %+v, want A before, C written", p.Companies[0].Fields[0])
	}
	if p.Writes() != 4 || p.Settled() {
		t.Errorf("writes %d, settled %v; want 4, false", p.Writes(), p.Settled())
	}

	if err := p.Apply(context.Background(), api, opts); err != nil {
		t.Fatal(err)
	}
	if last[PhaseRead] != [2]int64{7, 7} || last[PhaseWrite] != [2]int64{4, 4} {
		t.Errorf("progress %v, want 7 of 7 read and 4 of 4 written", last)
	}
	if c := api.cos[1]; c.CompanyName != "A" || c.ServiceCharge != "10.00" {
		t.Errorf("company 1: %+v", c)
	}
	if c := api.cos[2]; c.ServiceCharge != "99.00" {
		t.Errorf("company 2's conflicting amount was overwritten: %s", c.ServiceCharge)
	}
	if v, _ := api.cos[2].Custom("f1"); !v.Equal(bangwo8.List("北京", "海淀")) {
		t.Errorf("company 2's region: %v, want the list back", v)
	}
	if api.cos[3].ServiceCharge != "5.00" || !api.cos[4].Deleted() || api.cos[6].ServiceCharge != "1.00" {
		t.Errorf("3, 4, 6: %+v %+v %+v", api.cos[3], api.cos[4], api.cos[6])
	}
	if len(api.puts) != 4 {
		t.Errorf("updates of %v, want 4", api.puts)
	}

	var b strings.Builder
	p.Print(&b, lang.English, 0)
	t.Log(b.String())
	for _, want := range []string{
		"restored  1 C (row 2, 3) companyName: C → A",
		"conflict: changed again since the import, left alone  2 二 (row 4) serviceCharge: now 99.00, the import wrote 2.00, before it 1.00",
		"passwords not kept 1 field",
		"creates of unknown outcome 1 row",
		"row 8 acc-8",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("printed plan lacks %q:\n%s", want, b.String())
		}
	}
}

// TestApplyFailures: a failed update is the company's; a 401 stops the undo and the
// companies not written are not done.
func TestApplyFailures(t *testing.T) {
	cos := func() map[int64]*bangwo8.Company {
		m := map[int64]*bangwo8.Company{}
		for id := int64(1); id <= 3; id++ {
			m[id] = &bangwo8.Company{UID: id, CompanyName: "x", Status: bangwo8.StatusActive}
		}
		return m
	}
	j := &importer.Journal{Entries: []importer.JournalEntry{
		entry(2, report.ActionCreated, 1), entry(3, report.ActionCreated, 2), entry(4, report.ActionCreated, 3),
	}}

	api := &fakeAPI{cos: cos(), fail: map[int64]error{2: errors.New("boom")}}
	p, err := Prepare(context.Background(), api, j, Options{Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(context.Background(), api, Options{Concurrency: 1}); err != nil {
		t.Fatal(err)
	}
	if n := p.Tally(); n[Delete] != 2 || n[Failed] != 1 || p.Companies[1].Err != "boom" {
		t.Errorf("tally %v, company 2 %+v", n, p.Companies[1])
	}

	api = &fakeAPI{cos: cos(), fail: map[int64]error{1: &bangwo8.APIError{StatusCode: 401}}}
	p, err = Prepare(context.Background(), api, j, Options{Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(context.Background(), api, Options{Concurrency: 1}); !bangwo8.IsUnauthorized(err) {
		t.Fatalf("apply with a 401: %v", err)
	}
	if n := p.Tally(); n[Failed] != 1 || n[NotDone] != 2 {
		t.Errorf("after a 401: %v, want 1 failed and 2 not done", n)
	}
}

// TestSame compares values as undo does.
func TestSame(t *testing.T) {
	for _, tc := range []struct {
		field string
		a, b  bangwo8.FieldValue
		want  bool
	}{
		{"serviceCharge", bangwo8.Text("12.5"), bangwo8.Text("12.50"), true},
		{"serviceCharge", bangwo8.Text("12.5"), bangwo8.Text("12.51"), false},
		{"serviceAccount", bangwo8.Text("007"), bangwo8.Text("7"), false},
		{"companyName", bangwo8.Text("1.0"), bangwo8.Text("1"), false},
		{"custom.f", bangwo8.List(), bangwo8.Text(""), true},
		{"custom.f", bangwo8.List("a", "b"), bangwo8.Text("a/b"), false},
		{"custom.f", bangwo8.List("a", "b"), bangwo8.List("a", "b"), true},
	} {
		if got := same(tc.field, tc.a, tc.b); got != tc.want {
			t.Errorf("same(%s, %v, %v) = %v, want %v", tc.field, tc.a, tc.b, got, tc.want)
		}
	}
}

func fieldKey(s string) field.Key { return field.Key(s) }

// TestShowAllChunksAndKeepsOnlyWhatWasAsked reads 250 companies in calls of at most
// bangwo8.MaxShowMany ids, and drops a company the service returns without being asked.
func TestShowAllChunksAndKeepsOnlyWhatWasAsked(t *testing.T) {
	api := &fakeAPI{cos: map[int64]*bangwo8.Company{}}
	var ids []int64
	for id := int64(1); id <= 250; id++ {
		ids = append(ids, id)
		api.cos[id] = &bangwo8.Company{UID: id}
	}
	stray := &strayAPI{fakeAPI: api}
	got, err := showAll(context.Background(), stray, ids, Options{Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 || api.shows != 3 || stray.maxIDs > bangwo8.MaxShowMany {
		t.Errorf("%d companies in %d calls of at most %d ids", len(got), api.shows, stray.maxIDs)
	}
	if _, ok := got[9999]; ok {
		t.Error("a company not asked for was kept")
	}
}

// strayAPI answers every show_many with one more company, not asked for.
type strayAPI struct {
	*fakeAPI
	mu     sync.Mutex
	maxIDs int
}

func (s *strayAPI) ShowMany(ctx context.Context, ids []int64) ([]bangwo8.Company, *bangwo8.Response, error) {
	s.mu.Lock()
	s.maxIDs = max(s.maxIDs, len(ids))
	s.mu.Unlock()
	cos, resp, err := s.fakeAPI.ShowMany(ctx, ids)
	return append(cos, bangwo8.Company{UID: 9999, CompanyName: "not asked"}), resp, err
}

// TestPlanFollowsRowsByIdentity: a row that moved between runs (the file was fixed) is the
// same row by its identity: a create sent at row 7 and found at row 6 is one created company,
// shown at the latest row, not a create of unknown outcome.
func TestPlanFollowsRowsByIdentity(t *testing.T) {
	j := &importer.Journal{Entries: []importer.JournalEntry{
		{Row: 7, ID: "key:x", Key: "x", Action: importer.ActionCreating},
		{Row: 6, ID: "key:x", Key: "x", Action: report.ActionCreated, UID: 9},
		{Row: 7, ID: "content:ab", Action: importer.ActionCreating}, // another row now at 7
	}}
	p := fromJournal(j)
	if len(p.Companies) != 1 || !p.Companies[0].Created || p.Companies[0].UID != 9 || fmt.Sprint(p.Companies[0].Rows) != "[6]" {
		t.Errorf("companies %+v, want 9 created at row 6", p.Companies)
	}
	if len(p.Unknown) != 1 || p.Unknown[0].Row != 7 {
		t.Errorf("unknown %+v, want the row without a key at 7", p.Unknown)
	}
}

package exporter

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout/dimtest"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func newClient(t *testing.T, srv *sandboxtest.Server) *bangwo8.Client {
	t.Helper()
	c, err := bangwo8.NewClient(srv.URL, bangwo8.WithBasicAuth(srv.Account, srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func csvIDs(t *testing.T, path string) []int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(utf8BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range recs[1:] {
		id, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			t.Fatalf("row %v: %v", r, err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestSheetSplit(t *testing.T) {
	srv := sandboxtest.NewServer(t, sandboxtest.WithSeed(25, 3))
	out := filepath.Join(t.TempDir(), "split.xlsx")
	sum, err := Run(context.Background(), newClient(t, srv), Options{Out: out, SheetRows: 10, Filter: Filter{IncludeDeleted: true}, PerPage: 7, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// 25 companies, 9 per sheet (each sheet has its header): 9 + 9 + 7.
	want := []string{"公司", "公司 2", "公司 3"}
	if got := f.GetSheetList(); !slices.Equal(got, want) || sum.Sheets != 3 || sum.Companies != 25 {
		t.Fatalf("sheets %v (summary %d, %d companies)", got, sum.Sheets, sum.Companies)
	}
	var ids []string
	for i, name := range want {
		rows, err := f.Rows(name)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			cols, _ := rows.Columns()
			if n == 0 {
				if cols[0] != "公司ID" || cols[2] != "公司名称" {
					t.Errorf("sheet %s header %v", name, cols[:3])
				}
			} else {
				ids = append(ids, cols[0])
			}
			n++
		}
		rows.Close()
		if wantRows := []int{10, 10, 8}[i]; n != wantRows {
			t.Errorf("sheet %s has %d rows, want %d", name, n, wantRows)
		}
		if p, _ := f.GetPanes(name); !p.Freeze {
			t.Errorf("sheet %s: header not frozen", name)
		}
	}
	if len(ids) != 25 || !slices.IsSortedFunc(ids, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y }) {
		t.Errorf("ids %v", ids)
	}
	// Read as readers that trust <dimension> do, each sheet declares all its rows.
	for i, sh := range dimtest.Check(t, out) {
		if wantRows := []int{10, 10, 8}[i]; sh.Rows != wantRows {
			t.Errorf("%s: %d rows, want %d", sh.Part, sh.Rows, wantRows)
		}
	}
}

// TestXLSXText checks that xlsx text cells carry no formula guard, except where import needs
// it to give the value back.
func TestXLSXText(t *testing.T) {
	for _, raw := range []string{"=1+1 公式公司", "+86 571 8888", "-abc", "@SUM(A1)", "\tx", "plain", "it's", "'quoted", "'=x", "''+1", ""} {
		escaped := mapping.EscapeFormula(raw)
		got := xlsxText(escaped)
		if back := mapping.UnescapeFormula(got); back != raw {
			t.Errorf("%q: xlsx holds %q, which imports as %q", raw, got, back)
		}
		if raw != "" && raw[0] != '\'' && got != raw {
			t.Errorf("%q: xlsx holds %q, want the value as it is", raw, got)
		}
	}
}

// TestExportWhileOthersWrite exports while another goroutine creates, updates and deletes
// companies: each company that existed throughout appears exactly once, deleted ones included
// (they are asked for), and none that was deleted before the export began is missing.
func TestExportWhileOthersWrite(t *testing.T) {
	n := 600 // enough pages that writes land between them
	srv := sandboxtest.NewServer(t, sandboxtest.WithSeed(n, 11), sandboxtest.WithConfig(func(c *sandbox.Config) {
		c.Latency = 2 * time.Millisecond
	}))
	client := newClient(t, srv)
	ctx := context.Background()
	var before []int64 // ids present before the export starts
	for c, err := range client.AllCompanies(ctx, bangwo8.ListOptions{IncludeDeleted: true, PerPage: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		before = append(before, c.UID)
	}

	stop := make(chan struct{})
	var writes atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			id := before[rng.IntN(len(before))]
			var err error
			switch i % 3 {
			case 0:
				_, _, err = client.CreateCompany(ctx, bangwo8.CompanyInput{CompanyName: bangwo8.Ptr(fmt.Sprintf("并发新公司%d", i))})
			case 1:
				_, _, err = client.UpdateCompany(ctx, id, bangwo8.CompanyInput{Address: bangwo8.Ptr(fmt.Sprintf("地址%d", i))})
			case 2:
				_, _, err = client.UpdateCompany(ctx, id, bangwo8.CompanyInput{Status: bangwo8.Ptr(bangwo8.StatusDeleted)})
			}
			if err != nil {
				t.Errorf("write %d: %v", i, err)
				return
			}
			writes.Add(1)
		}
	})
	out := filepath.Join(t.TempDir(), "live.csv")
	_, err := Run(ctx, client, Options{Out: out, PerPage: 20, Concurrency: 4, Filter: Filter{IncludeDeleted: true}})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if writes.Load() < 10 {
		t.Fatalf("only %d writes happened during the export: the test proves nothing", writes.Load())
	}
	got := csvIDs(t, out)
	count := map[int64]int{}
	for _, id := range got {
		count[id]++
	}
	for _, id := range before {
		if count[id] != 1 {
			t.Errorf("company %d appears %d times", id, count[id])
		}
	}
	for id, c := range count {
		if c > 1 {
			t.Errorf("company %d appears %d times", id, c)
		}
	}
	t.Logf("%d companies exported, %d writes during the export", len(got), writes.Load())
}

func TestFetchInOrder(t *testing.T) {
	for _, conc := range []int{1, 3, 8} {
		t.Run(strconv.Itoa(conc), func(t *testing.T) {
			var inFlight, peak atomic.Int32
			fetch := func(ctx context.Context, n int) (page, error) {
				cur := inFlight.Add(1)
				defer inFlight.Add(-1)
				for {
					p := peak.Load()
					if cur <= p || peak.CompareAndSwap(p, cur) {
						break
					}
				}
				time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond) // out of order answers
				return page{companies: []bangwo8.Company{{UID: int64(n)}}, last: n == 20}, nil
			}
			var got []int
			err := fetchInOrder(context.Background(), conc, fetch, func(p page) error {
				got = append(got, p.number)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := make([]int, 20)
			for i := range want {
				want[i] = i + 1
			}
			if !slices.Equal(got, want) {
				t.Errorf("pages %v", got)
			}
			if peak.Load() > int32(conc) {
				t.Errorf("%d fetches at once, limit %d", peak.Load(), conc)
			}
		})
	}
}

func TestFetchInOrderStopsOnError(t *testing.T) {
	boom := errors.New("boom")
	var calls atomic.Int32
	fetch := func(ctx context.Context, n int) (page, error) {
		calls.Add(1)
		if n == 3 {
			return page{}, boom
		}
		return page{companies: make([]bangwo8.Company, 1)}, nil
	}
	var consumed []int
	err := fetchInOrder(context.Background(), 2, fetch, func(p page) error { consumed = append(consumed, p.number); return nil })
	if !errors.Is(err, boom) || !slices.Equal(consumed, []int{1, 2}) || calls.Load() > 5 {
		t.Errorf("err %v, consumed %v, calls %d", err, consumed, calls.Load())
	}
}

// TestFetchInOrderCancelsInFlight: when the consumer fails, the fetches still in flight are
// cancelled rather than left to run (with their retries) to the end.
func TestFetchInOrderCancelsInFlight(t *testing.T) {
	boom := errors.New("disk full")
	var cancelled atomic.Int32
	fetch := func(ctx context.Context, n int) (page, error) {
		if n == 1 {
			return page{companies: make([]bangwo8.Company, 1)}, nil
		}
		select { // a slow page: only cancellation ends it early
		case <-ctx.Done():
			cancelled.Add(1)
			return page{}, ctx.Err()
		case <-time.After(10 * time.Second):
			return page{}, nil
		}
	}
	done := make(chan error, 1)
	go func() {
		done <- fetchInOrder(context.Background(), 4, fetch, func(page) error { return boom })
	}()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Errorf("err = %v, want the consumer's", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("fetchInOrder waited for the slow pages instead of cancelling them")
	}
	if cancelled.Load() != 3 {
		t.Errorf("%d in-flight fetches cancelled, want 3", cancelled.Load())
	}
}

func TestSortedKeys(t *testing.T) {
	got := sortedKeys(map[string]bool{"field_10": true, "field_2": true, "expect_time": true, "field_1": true, "gjfx": true, "a9": true, "a10": true})
	want := []string{"a9", "a10", "expect_time", "field_1", "field_2", "field_10", "gjfx"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestStateObserve(t *testing.T) {
	s := &State{Version: stateVersion, Seen: map[int64]string{}}
	s.observe(1, "2024-03-01 10:00:00")
	s.observe(2, "2024-03-01 09:00:00")
	s.observe(3, "2024-02-28 23:00:00") // an older day: not remembered
	s.observe(4, "")                    // no date: not remembered
	if s.Newest != "2024-03-01 10:00:00" || len(s.Seen) != 2 || s.Day() != "2024-03-01" {
		t.Fatalf("state %+v", s)
	}
	if !s.unchanged(2, "2024-03-01 09:00:00") || s.unchanged(2, "2024-03-01 11:00:00") || s.unchanged(3, "2024-02-28 23:00:00") {
		t.Error("unchanged answers wrong")
	}
	s.observe(5, "2024-03-02 00:00:01") // a new day replaces the set
	if s.Newest != "2024-03-02 00:00:01" || len(s.Seen) != 1 {
		t.Fatalf("state %+v", s)
	}
	path := filepath.Join(t.TempDir(), "s.json")
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadState(path)
	if err != nil || back.Newest != s.Newest || back.Seen[5] != "2024-03-02 00:00:01" {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	for _, bad := range []string{`{`, `{"version": 9}`, `{"version": 1, "newest_update": "x"}`} {
		os.WriteFile(path, []byte(bad), 0o644)
		if _, err := LoadState(path); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestSpoolRoundTrip(t *testing.T) {
	sp, err := newSpool(filepath.Join(t.TempDir(), "out.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	d := time.Date(2017, 1, 2, 0, 0, 0, 0, time.UTC)
	rows := [][]mapping.Cell{
		{{Text: "1"}, {Text: "2017-01-02", Kind: mapping.CellDate, Time: d}},
		{{Text: "'=x"}, {}, {Text: "12.5", Kind: mapping.CellNumber}, {Text: "2017-01-02 00:00:00", Kind: mapping.CellDateTime, Time: d}},
		{},
	}
	for _, r := range rows {
		if err := sp.write(r); err != nil {
			t.Fatal(err)
		}
	}
	var got [][]mapping.Cell
	if err := sp.replay(func(c []mapping.Cell) error { got = append(got, slices.Clone(c)); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("%d rows back", len(got))
	}
	for i := range rows {
		if !slices.EqualFunc(got[i], rows[i], func(a, b mapping.Cell) bool { return a.Text == b.Text && a.Kind == b.Kind && a.Time.Equal(b.Time) }) {
			t.Errorf("row %d: %+v, want %+v", i, got[i], rows[i])
		}
	}
}

func TestOptionsCheck(t *testing.T) {
	for _, o := range []Options{
		{},
		{Out: "x.pdf"},
		{Out: "x.csv", Encoding: "latin1"},
		{Out: "x.csv", Query: "a", IDs: []int64{1}},
		{Out: "x.csv", Filter: Filter{CreatedStart: "2021-02-30"}},
		{Out: "x.csv", Filter: Filter{UpdatedEnd: "2021-2-3"}},
		{Out: "x.csv", Filter: Filter{UpdatedStart: "2021-02-03", UpdatedEnd: "2021-02-02"}},
		{Out: "x.csv", PerPage: 5001},
		{Out: "x.csv", Concurrency: -1},
		{Out: "x.xlsx", SheetRows: 1},
		{Out: "x.csv", IDs: []int64{0}},
		{Out: "x.xlsx", Encoding: EncodingGBK},           // an xlsx has no encoding
		{Out: "x.csv", IDs: []int64{1, 2}, PerPage: 100}, // ids come 100 at a time
	} {
		if err := o.Check(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	o := Options{Out: "X.XLSX"}
	if err := o.Check(); err != nil || o.PerPage != DefaultPerPage || o.SheetRows != MaxSheetRows || o.Encoding != "" {
		t.Errorf("defaults: %+v %v", o, err)
	}
	o = Options{Out: "x.csv", IDs: []int64{1}}
	if err := o.Check(); err != nil || o.Encoding != EncodingUTF8BOM {
		t.Errorf("csv defaults: %+v %v", o, err)
	}
	if err := o.Check(); err != nil { // Run checks the options the command checked
		t.Errorf("checked twice: %v", err)
	}
}

func TestParseIDs(t *testing.T) {
	got, err := ParseIDs(" 3, 1,3,,2 ")
	if err != nil || !slices.Equal(got, []int64{3, 1, 2}) {
		t.Errorf("got %v %v", got, err)
	}
	for _, bad := range []string{"", ",", "1,a", "0", "-1", "1.5", "99999999999999999999"} {
		if _, err := ParseIDs(bad); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func FuzzParseIDs(f *testing.F) {
	for _, s := range []string{"1,2,3", " 4 ,4", "x", "", "-0", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := ParseIDs(s)
		if err != nil {
			return
		}
		seen := map[int64]bool{}
		for _, id := range ids {
			if id <= 0 || seen[id] {
				t.Fatalf("%q gave %v", s, ids)
			}
			seen[id] = true
		}
	})
}

func FuzzLoadState(f *testing.F) {
	f.Add([]byte(`{"version":1,"newest_update":"2024-03-01 10:00:00","seen":{"1":"2024-03-01 10:00:00"}}`))
	f.Add([]byte(`{"version":1,"seen":null}`))
	f.Add([]byte(`[]`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "s.json")
		os.WriteFile(path, b, 0o644)
		s, err := LoadState(path)
		if err != nil {
			return
		}
		s.observe(1, "2024-03-01 10:00:00") // must not panic on anything LoadState accepts
		_ = s.unchanged(1, "")
	})
}

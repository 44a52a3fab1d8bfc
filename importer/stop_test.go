package importer

import (
	"context"
	"errors"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// Tests that a run ends, with an error that says why, when its report cannot be written or
// when it is told to stop (Ctrl-C, SIGTERM), whatever phase it is in.

// countingAPI answers at once, counting the creates; or, when slow, never: each call then
// waits for its context to end, as a request to a service that has stopped answering does.
type countingAPI struct {
	slow    bool
	creates atomic.Int64
	once    sync.Once
	called  chan struct{} // closed by the first call
}

func newCountingAPI(slow bool) *countingAPI {
	return &countingAPI{slow: slow, called: make(chan struct{})}
}

func (f *countingAPI) wait(ctx context.Context) error {
	f.once.Do(func() { close(f.called) })
	if !f.slow {
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

func (f *countingAPI) companies(ctx context.Context) iter.Seq2[bangwo8.Company, error] {
	return func(yield func(bangwo8.Company, error) bool) {
		if err := f.wait(ctx); err != nil {
			yield(bangwo8.Company{}, err)
		}
	}
}

func (f *countingAPI) AllCompanies(ctx context.Context, _ bangwo8.ListOptions) iter.Seq2[bangwo8.Company, error] {
	return f.companies(ctx)
}

func (f *countingAPI) AllSearchResults(ctx context.Context, _ string, _ bangwo8.SearchOptions) iter.Seq2[bangwo8.Company, error] {
	return f.companies(ctx)
}

func (f *countingAPI) ShowMany(ctx context.Context, _ []int64) ([]bangwo8.Company, *bangwo8.Response, error) {
	return nil, nil, f.wait(ctx)
}

func (f *countingAPI) CreateCompany(ctx context.Context, _ bangwo8.CompanyInput) (*bangwo8.Company, *bangwo8.Response, error) {
	if err := f.wait(ctx); err != nil {
		return nil, nil, err
	}
	return &bangwo8.Company{UID: 1_000_000 + f.creates.Add(1)}, nil, nil
}

func (f *countingAPI) UpdateCompany(ctx context.Context, id int64, _ bangwo8.CompanyInput) (*bangwo8.Company, *bangwo8.Response, error) {
	return &bangwo8.Company{UID: id}, nil, f.wait(ctx)
}

// errDiskFull is what failAfter's writes return once its room is used up.
var errDiskFull = errors.New("no space left on device")

// failAfter is a disk with room for n bytes.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n := f.n
		f.n = 0
		return n, errDiskFull
	}
	f.n -= len(p)
	return len(p), nil
}

// fullDisk is a place for a report with 64 KiB of room.
type fullDisk struct {
	report string       // the report's path
	open   reportOpener // starts the report there
	dir    string       // the directory to find empty afterwards; "" for none
}

// fullDisks are a 64 KiB tmpfs, where the test may mount one (as root), and a writer that
// fails after 64 KiB, everywhere. The tmpfs variant is skipped only when mount is refused.
func fullDisks() map[string]func(t *testing.T) fullDisk {
	return map[string]func(t *testing.T) fullDisk{
		"64 KiB tmpfs": func(t *testing.T) fullDisk {
			dir := t.TempDir()
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
				t.Skipf("mounting a tmpfs is not permitted here: %v %s", err, out)
			}
			// Runs before TempDir's removal; lazily, should a file still be open.
			t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
			return fullDisk{report: filepath.Join(dir, "报告.csv"), open: openReport, dir: dir}
		},
		"writer failing after 64 KiB": func(t *testing.T) fullDisk {
			return fullDisk{report: "/full/报告.csv", open: func(path, _ string, _ *mapping.Mapping, _ lang.Lang) (report.Writer, error) {
				return report.NewCSVWriter(path, &failAfter{n: 64 << 10}, lang.Chinese)
			}}
		},
	}
}

// within runs f and fails the test when it takes longer than d: the run hangs.
func within[T any](t *testing.T, d time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(d):
		t.Fatalf("still running after %v", d)
		panic("unreachable")
	}
}

type result struct {
	sum *Summary
	err error
}

func checkFullDiskError(t *testing.T, disk fullDisk, err error) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), "report "+disk.report+": ") || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("error %v, want one naming the report and the full disk", err)
	}
	if disk.dir != "" {
		if entries, _ := os.ReadDir(disk.dir); len(entries) != 0 {
			t.Errorf("left on the full disk: %v", entries)
		}
	}
}

// TestValidateOnAFullDiskEndsWithTheError: issue 10's hang, where the report's goroutine
// failed and the next row blocked forever.
func TestValidateOnAFullDiskEndsWithTheError(t *testing.T) {
	in := tempPath(t, "in.csv")
	writeCSV(t, in, manyRowsN(20_000), "utf8")
	m := testMapping(t, "serviceaccount")
	for name, makeDisk := range fullDisks() {
		t.Run(name, func(t *testing.T) {
			disk := makeDisk(t)
			res := within(t, 10*time.Second, func() result {
				sum, err := validateWith(context.Background(), in, m, ValidateOptions{Report: disk.report}, disk.open)
				return result{sum, err}
			})
			checkFullDiskError(t, disk, res.err)
			if res.sum.Rows >= 20_000 {
				t.Errorf("%d rows read after the report failed, want it to stop", res.sum.Rows)
			}
		})
	}
}

// TestImportOnAFullDiskStopsWriting: the run stops reading rows when its report fails, and
// the journal still records every create that was sent.
func TestImportOnAFullDiskStopsWriting(t *testing.T) {
	in := tempPath(t, "in.csv")
	writeCSV(t, in, manyRowsN(20_000), "utf8")
	m := testMapping(t, "")
	for name, makeDisk := range fullDisks() {
		t.Run(name, func(t *testing.T) {
			disk := makeDisk(t)
			api := newCountingAPI(false)
			journal := tempPath(t, "run.jsonl")
			res := within(t, 10*time.Second, func() result {
				sum, err := importWith(context.Background(), api, in, m, Options{Report: disk.report, Journal: journal}, disk.open)
				return result{sum, err}
			})
			checkFullDiskError(t, disk, res.err)
			t.Log(res.err)
			creates := api.creates.Load()
			if creates == 0 || creates >= 20_000 {
				t.Errorf("%d creates sent, want some, and none once the report failed", creates)
			}
			data, err := os.ReadFile(journal)
			if err != nil {
				t.Fatal(err)
			}
			if n := int64(strings.Count(string(data), `"action":"created"`)); n != creates {
				t.Errorf("the journal records %d creates of the %d sent", n, creates)
			}
		})
	}
}

// TestImportStopsWithinSecondsInEveryPhase cancels the run's context (what SIGINT and SIGTERM
// do) in each phase, against a service that has stopped answering.
func TestImportStopsWithinSecondsInEveryPhase(t *testing.T) {
	const rows = 2000
	in := tempPath(t, "in.csv")
	writeCSV(t, in, manyRowsN(rows), "utf8")
	for _, tc := range []struct {
		phase string
		match string
		// stopAt says when to cancel, from a progress report; nil: at the API's first call.
		stopAt func(Progress) bool
	}{
		{PhaseValidate, "", func(p Progress) bool { return p.Phase == PhaseValidate && p.Done == rows/2 }},
		{PhaseLookup, "serviceaccount", nil},
		{PhaseWrite, "", nil},
	} {
		t.Run(tc.phase, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			api := newCountingAPI(true)
			var phase atomic.Value
			opts := Options{Concurrency: 4, WriteGrace: 50 * time.Millisecond, Report: tempPath(t, "r.csv"),
				Progress: func(p Progress) {
					phase.Store(p.Phase)
					if tc.stopAt != nil && tc.stopAt(p) {
						cancel()
					}
				}}
			if tc.stopAt == nil {
				go func() {
					<-api.called
					cancel()
				}()
			}
			start := time.Now()
			res := within(t, 5*time.Second, func() result {
				sum, err := Import(ctx, api, in, testMapping(t, tc.match), opts)
				return result{sum, err}
			})
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v after the cancel, want under 2s", took)
			}
			if !errors.Is(res.err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", res.err)
			}
			if got := phase.Load(); got != tc.phase {
				t.Errorf("stopped in phase %v, want %s", got, tc.phase)
			}
			if tc.phase == PhaseWrite {
				rep := readReport(t, opts.Report)
				if len(rep) != rows || !res.sum.Interrupted || res.sum.Skipped+res.sum.Failed != rows {
					t.Errorf("report of %d rows, summary %+v: want every row skipped or failed", len(rep), res.sum)
				}
			}
		})
	}
}

func TestDefaultWriteGraceIsSeconds(t *testing.T) {
	var o Options
	o.defaults(testMapping(t, ""))
	if o.WriteGrace != DefaultWriteGrace || DefaultWriteGrace > 5*time.Second {
		t.Errorf("WriteGrace %v: Ctrl-C must end a run within seconds", o.WriteGrace)
	}
}

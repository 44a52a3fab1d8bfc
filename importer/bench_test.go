package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// Benchmarks of the figures README's Performance section quotes. They are heavy (a 400,000-row
// workbook, a 50-second import); run them with bench/import.sh.

// writeBigXLSX streams n rows of the test mapping's columns into a workbook.
func writeBigXLSX(b *testing.B, path string, n int) {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	row := make([]any, len(testHeader))
	for i, h := range testHeader {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		b.Fatal(err)
	}
	// Dates as a spreadsheet program stores them: serials with a date format.
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		row = []any{"", fmt.Sprintf("公司%07d", i), fmt.Sprintf("acc-%07d", i), excelize.Cell{StyleID: date, Value: 42736 + i%3000}, float64(i%1000) / 4, "", "北京市/海淀区"}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
}

// peakHeap samples the live heap until stop is closed and returns the largest value seen.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// BenchmarkValidateXLSX validates big workbooks, with a match key (memory then holds one
// entry per distinct key, for the duplicate check) and without one (one small entry per
// distinct row, about 40 bytes, for the check of rows that repeat exactly).
func BenchmarkValidateXLSX(b *testing.B) {
	for _, bc := range []struct {
		n     int
		match string
	}{{100_000, "serviceaccount"}, {400_000, "serviceaccount"}, {100_000, ""}, {400_000, ""}} {
		b.Run(fmt.Sprintf("rows=%d/match=%s", bc.n, bc.match), func(b *testing.B) {
			n := bc.n
			in := b.TempDir() + "/big.xlsx"
			writeBigXLSX(b, in, n)
			m := testMapping(b, bc.match)
			runtime.GC()
			b.ResetTimer()
			for b.Loop() {
				stop := make(chan struct{})
				peak := peakHeap(stop)
				// The live heap after a collection at each quarter of the file is what shows
				// whether memory grows with rows; the peak includes garbage not yet
				// collected, so it follows the GC's pacing as much as the code.
				var live uint64
				quarter := func(p Progress) {
					if p.Phase == PhaseValidate && p.Done > 0 && p.Done%int64(n/4) == 0 {
						runtime.GC()
						var ms runtime.MemStats
						runtime.ReadMemStats(&ms)
						live = max(live, ms.HeapAlloc)
					}
				}
				start := time.Now()
				sum, err := Validate(context.Background(), in, m, ValidateOptions{Progress: quarter})
				elapsed := time.Since(start)
				close(stop)
				if err != nil || sum.Rows != n || sum.Invalid != 0 {
					b.Fatalf("%v %+v", err, sum)
				}
				b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
				b.ReportMetric(float64(<-peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
			}
		})
	}
}

// BenchmarkImport5000RateLimited imports 5,000 new rows into a sandbox that allows 100
// requests a second and answers each after 30ms, with the CLI's pacer set to that rate.
func BenchmarkImport5000RateLimited(b *testing.B) {
	const n = 5000
	in := b.TempDir() + "/in.csv"
	writeCSV(b, in, manyRowsN(n), "utf8")
	m := testMapping(b, "serviceaccount")
	for b.Loop() {
		ts, _, _ := newSandbox(b, sandboxtest.WithConfig(func(c *sandbox.Config) {
			c.Rate = 100
			c.Latency = 30 * time.Millisecond
		}))
		var limited atomic.Int64
		pacer := ratelimit.New(ratelimit.Config{RPS: 100, Burst: 10})
		c, err := bangwo8.NewClient(ts.URL, bangwo8.WithBasicAuth(ts.Account, ts.Password), bangwo8.WithPacer(pacer),
			bangwo8.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				resp, err := http.DefaultTransport.RoundTrip(r)
				if err == nil && resp.StatusCode == http.StatusTooManyRequests {
					limited.Add(1)
				}
				return resp, err
			})}))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		sum, err := Import(context.Background(), c, in, m, Options{Concurrency: 8})
		elapsed := time.Since(start)
		if err != nil || sum.Created != n {
			b.Fatalf("%v %+v", err, sum)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(float64(limited.Load()), "429s")
	}
}

func manyRowsN(n int) [][]string {
	rows := [][]string{testHeader}
	for i := 1; i <= n; i++ {
		rows = append(rows, []string{"", fmt.Sprintf("新公司%05d", i), fmt.Sprintf("acc-%05d", i), "2020-01-01", "1.00", "", ""})
	}
	return rows
}

// BenchmarkUpsertMostlyUnchanged upserts 2,000 rows of which 90% already match their company:
// only the other 10% are written.
func BenchmarkUpsertMostlyUnchanged(b *testing.B) {
	const n = 2000
	type co struct {
		UID            int64  `json:"uId"`
		CompanyName    string `json:"companyName"`
		ServiceAccount string `json:"serviceaccount"`
		Start          string `json:"servicestarttime"`
		Charge         string `json:"serviceCharge"`
	}
	var doc struct {
		Companies []co `json:"companies"`
	}
	rows := manyRowsN(n)
	for i := 1; i <= n; i++ {
		doc.Companies = append(doc.Companies, co{int64(i), rows[i][1], rows[i][2], "2020-01-01", "1.00"})
		if i%10 == 0 {
			rows[i][1] += "改" // every tenth row renames its company
		}
	}
	fixtures, _ := json.Marshal(doc)
	in := b.TempDir() + "/in.csv"
	writeCSV(b, in, rows, "utf8")
	m := testMapping(b, "serviceaccount")
	for b.Loop() {
		_, c, cnt := newSandbox(b, sandboxtest.WithFixtures(fixtures))
		sum, err := Import(context.Background(), c, in, m, Options{Concurrency: 4})
		if err != nil || sum.Updated != n/10 || sum.Unchanged != n-n/10 {
			b.Fatalf("%v %+v", err, sum)
		}
		if cnt.puts.Load() != n/10 || cnt.posts.Load() != 0 {
			b.Fatalf("%d updates and %d creates sent, want %d and 0", cnt.puts.Load(), cnt.posts.Load(), n/10)
		}
		b.ReportMetric(float64(cnt.puts.Load()+cnt.posts.Load()), "writes")
		b.ReportMetric(float64(n), "rows")
	}
}

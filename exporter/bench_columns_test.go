//go:build unix

package exporter

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
)

// wideAPI serves companies by id (show_many), each with the same custom field keys.
type wideAPI struct{ keys []string }

func (a wideAPI) ListCompanies(context.Context, *bangwo8.ListOptions) ([]bangwo8.Company, *bangwo8.Response, error) {
	return nil, nil, fmt.Errorf("not served")
}

func (a wideAPI) SearchCompanies(context.Context, string, *bangwo8.SearchOptions) (*bangwo8.SearchResult, *bangwo8.Response, error) {
	return nil, nil, fmt.Errorf("not served")
}

func (a wideAPI) ShowMany(_ context.Context, ids []int64) ([]bangwo8.Company, *bangwo8.Response, error) {
	out := make([]bangwo8.Company, len(ids))
	for i, id := range ids {
		c := bangwo8.Company{UID: id, CompanyName: fmt.Sprintf("公司%d", id), Status: bangwo8.StatusActive, UpdateDT: "2024-01-02 03:04:05"}
		c.CustomFields = make([]bangwo8.CustomField, len(a.keys))
		for j, k := range a.keys {
			c.CustomFields[j] = bangwo8.CustomField{Key: k, Value: bangwo8.Text(fmt.Sprintf("值%d", j))}
		}
		out[i] = c
	}
	return out, &bangwo8.Response{}, nil
}

// cpuTime is the CPU time the process has used: on a shared machine, wall time measures the
// others' load (and the disk's fsync) as much as this code.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkExportColumns exports 20 companies of many custom field keys to .xlsx with the
// default columns (the keys found while paging, spooled, then one column each) and reports
// the CPU time per cell: flat from 1,000 to 16,384 columns means linear in the cells.
//
//	go test ./exporter -run '^$' -bench ExportColumns -benchtime 3x
func BenchmarkExportColumns(b *testing.B) {
	const companies = 20
	ids := make([]int64, companies)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	documented := len((&Options{}).defaultColumns(nil).Columns)
	for _, cols := range []int{1000, 2000, 4000, 16384} {
		b.Run(fmt.Sprintf("cols=%d", cols), func(b *testing.B) {
			keys := make([]string, cols-documented)
			for i := range keys {
				keys[i] = fmt.Sprintf("field_%d", i+1)
			}
			dir := b.TempDir()
			began, cpu := time.Now(), cpuTime(b)
			for n := 0; b.Loop(); n++ {
				out := filepath.Join(dir, fmt.Sprintf("e%d.xlsx", n))
				sum, err := Run(context.Background(), wideAPI{keys: keys}, Options{Out: out, IDs: ids})
				if err != nil {
					b.Fatal(err)
				}
				if sum.Companies != companies || len(sum.CustomKeys) != len(keys) {
					b.Fatalf("exported %d companies and %d keys", sum.Companies, len(sum.CustomKeys))
				}
			}
			perRun := time.Since(began) / time.Duration(b.N)
			cpuPerRun := (cpuTime(b) - cpu) / time.Duration(b.N)
			b.ReportMetric(float64(cpuPerRun.Nanoseconds())/float64(cols*(companies+1)), "cpu-ns/cell")
			b.ReportMetric(cpuPerRun.Seconds(), "cpu-s/export")
			b.ReportMetric(perRun.Seconds(), "s/export")
		})
	}
}

//go:build unix

package report

import (
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// cpuTime is the CPU time the process has used: on a shared machine, wall time measures the
// others' load (and the disk's fsync) as much as this code.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkXLSXColumns writes a workbook report of a sheet of many columns, 20 rows of them
// (one in four invalid, with a red cell and its comment), and reports the CPU time per cell: a
// time linear in the cells keeps ns/cell flat from 1,000 columns to the most a report shows (16,381: Excel holds 16,384, the report adds 3).
//
//	go test ./report -run '^$' -bench XLSXColumns -benchtime 3x
func BenchmarkXLSXColumns(b *testing.B) {
	m, err := mapping.Parse("m.yaml", []byte("version: 1\ncolumns:\n  - header: 公司名称\n    field: companyName\n    required: true\n"))
	if err != nil {
		b.Fatal(err)
	}
	const rows = 20
	for _, cols := range []int{1000, 2000, 4000, maxInputColumns} {
		b.Run(fmt.Sprintf("cols=%d", cols), func(b *testing.B) {
			header := make([]string, cols)
			cells := make([]string, cols)
			header[0] = "公司名称"
			for i := 1; i < cols; i++ {
				header[i] = fmt.Sprintf("列%d", i)
				cells[i] = fmt.Sprintf("值%d", i)
			}
			dir := b.TempDir()
			began, cpu := time.Now(), cpuTime(b)
			for n := 0; b.Loop(); n++ {
				r, err := NewXLSX(filepath.Join(dir, fmt.Sprintf("r%d.xlsx", n)), Options{Input: Input{Header: header, Sheet: "Sheet1"}, Mapping: m})
				if err != nil {
					b.Fatal(err)
				}
				for i := range rows {
					row := Row{Row: i + 2, Action: ActionValid, Cells: cells}
					if i%4 == 0 {
						row.Action = ActionInvalid
						row.Problems = []mapping.Problem{{Row: i + 2, Column: 0, Letter: "A", Header: "公司名称", Rule: "required", Severity: mapping.Error, Message: "required"}}
					}
					if err := r.Write(row); err != nil {
						b.Fatal(err)
					}
				}
				if err := r.Close(); err != nil {
					b.Fatal(err)
				}
			}
			perRun := time.Since(began) / time.Duration(b.N)
			cpuPerRun := (cpuTime(b) - cpu) / time.Duration(b.N)
			b.ReportMetric(float64(cpuPerRun.Nanoseconds())/float64(cols*(rows+1)), "cpu-ns/cell")
			b.ReportMetric(cpuPerRun.Seconds(), "cpu-s/report")
			b.ReportMetric(perRun.Seconds(), "s/report")
		})
	}
}

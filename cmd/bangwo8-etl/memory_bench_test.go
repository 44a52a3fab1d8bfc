//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// memoryWatch samples the process's heap while a run goes: the peak of the live heap as the
// last collection found it (/gc/heap/live), and of all heap objects, garbage included.
type memoryWatch struct {
	stop chan struct{}
	done chan struct{}
	live uint64
	all  uint64
}

func watchMemory() *memoryWatch {
	runtime.GC()
	w := &memoryWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			w.live = max(w.live, sample[0].Value.Uint64())
			w.all = max(w.all, sample[1].Value.Uint64())
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// report stops the watch and reports its peaks, and the process's peak RSS, in MB.
func (w *memoryWatch) report(b *testing.B) {
	close(w.stop)
	<-w.done
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(w.live)/(1<<20), "peak-live-heap-MB")
	b.ReportMetric(float64(w.all)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(ru.Maxrss)/(1<<10), "peak-RSS-MB") // Linux: kilobytes
}

// BenchmarkValidateHugeCell validates a workbook of 100 KB whose one cell (a shared string,
// then an inline string) is 100 MB, and a CSV whose one cell is: each is refused, and the
// heap and RSS peaks show the cell was never held (the peak RSS is the benchmark process's:
// run this benchmark alone).
//
//	go test ./cmd/bangwo8-etl -run '^$' -bench ValidateHugeCell -benchtime 1x
func BenchmarkValidateHugeCell(b *testing.B) {
	for _, kind := range []string{"shared", "inline", "csv"} {
		b.Run(kind, func(b *testing.B) {
			dir := b.TempDir()
			in := dir + "/huge.xlsx"
			if kind == "csv" {
				in = dir + "/huge.csv"
				writeHugeCellCSV(b, in, 100<<20)
			} else {
				writeHugeCellXLSX(b, in, 100<<20, kind == "inline")
			}
			mappingPath := dir + "/mapping.yaml"
			writeFileB(b, mappingPath, importMappingYAML)
			for b.Loop() {
				w := watchMemory()
				var out, errb bytes.Buffer
				code := runTest(context.Background(), []string{"validate", "--in", in, "--mapping", mappingPath, "--no-progress"},
					&IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb}, envOf(nil))
				w.report(b)
				if code == exitOK || !strings.Contains(errb.String(), "holds more than 32767 characters") && !strings.Contains(errb.String(), "longer than 4 MiB") {
					b.Fatalf("exit %d\n%s", code, errb.String())
				}
			}
		})
	}
}

func writeFileB(b *testing.B, path, text string) {
	b.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkImportMemory imports n rows into a sandbox seeded with their n companies (the
// sample mapping's account: every field mapped, custom fields of every shape), one in a
// hundred of them renamed since, so that the import looks every row up, plans it, and
// updates those: the run is a process of its own (this test binary as the command), whose
// peak live heap (after a collection), peak heap and peak RSS are reported.
//
//	go test ./cmd/bangwo8-etl -run '^$' -bench ImportMemory -benchtime 1x -timeout 30m
func BenchmarkImportMemory(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			srv := sandboxtest.NewServer(b, sandboxtest.WithSeed(n, 14))
			env := map[string]string{"BANGWO8_BASE_URL": srv.URL, "BANGWO8_ACCOUNT": srv.Account, "BANGWO8_PASSWORD": srv.Password}
			dir := b.TempDir()
			in := dir + "/companies.csv"
			const mappingPath = "../../samples/mapping.yaml"
			fast := []string{"--rps", "2000", "--burst", "200", "--concurrency", "4", "--no-progress"}
			var out, errb bytes.Buffer
			code := runTest(context.Background(), append([]string{"export", "--out", in, "--mapping", mappingPath, "--include-deleted"}, fast...),
				&IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb}, envOf(env))
			if code != exitOK {
				b.Fatalf("export: exit %d\n%s", code, errb.String())
			}
			client, err := bangwo8.NewClient(srv.URL, bangwo8.WithBasicAuth(srv.Account, srv.Password))
			if err != nil {
				b.Fatal(err)
			}
			for id := range int64(n / 100) {
				name := fmt.Sprintf("改名公司%d", id)
				if _, _, err := client.UpdateCompany(context.Background(), 1000001+id*100, bangwo8.CompanyInput{CompanyName: &name}); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				report := dir + "/memory.json"
				args := append([]string{"import", "--in", in, "--mapping", mappingPath, "--mode", "upsert", "--report", dir + "/result.csv"}, fast...)
				cmd := cliProcess(b, []string{"BANGWO8_BASE_URL=" + srv.URL, "BANGWO8_ACCOUNT=" + srv.Account, "BANGWO8_PASSWORD=" + srv.Password,
					memoryReportEnv + "=" + report}, args...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				began := time.Now()
				if err := cmd.Run(); err != nil {
					b.Fatalf("import: %v\n%s", err, stderr.String())
				}
				elapsed := time.Since(began)
				if !strings.Contains(stderr.String(), fmt.Sprintf("updated=%d", n/100)) {
					b.Fatalf("import did not update %d companies:\n%s", n/100, stderr.String())
				}
				var peaks heapPeaks
				data, err := os.ReadFile(report)
				if err != nil || json.Unmarshal(data, &peaks) != nil {
					b.Fatalf("memory report: %v %s", err, data)
				}
				b.ReportMetric(float64(peaks.Live)/(1<<20), "peak-live-heap-MB")
				b.ReportMetric(float64(peaks.All)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(peaks.RSS)/(1<<20), "peak-RSS-MB")
				b.ReportMetric(elapsed.Seconds(), "s")
			}
		})
	}
}

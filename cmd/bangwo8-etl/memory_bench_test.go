//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"syscall"
	"testing"
	"time"
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
// then an inline string) is 100 MB: it is refused, and the heap and RSS peaks show it was
// never held (the peak RSS is the benchmark process's: run this benchmark alone).
//
//	go test ./cmd/bangwo8-etl -run '^$' -bench ValidateHugeCell -benchtime 1x
func BenchmarkValidateHugeCell(b *testing.B) {
	for _, inline := range []bool{false, true} {
		b.Run(fmt.Sprintf("inline=%t", inline), func(b *testing.B) {
			dir := b.TempDir()
			in := dir + "/huge.xlsx"
			writeHugeCellXLSX(b, in, 100<<20, inline)
			mappingPath := dir + "/mapping.yaml"
			writeFileB(b, mappingPath, importMappingYAML)
			for b.Loop() {
				w := watchMemory()
				var out, errb bytes.Buffer
				code := runTest(context.Background(), []string{"validate", "--in", in, "--mapping", mappingPath, "--no-progress"},
					&IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb}, envOf(nil))
				w.report(b)
				if code != exitPartial || !strings.Contains(errb.String(), "holds more than 32767 characters") {
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

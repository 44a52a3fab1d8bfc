package sandbox

import (
	"context"
	"path/filepath"
	"testing"
)

func BenchmarkSeed100k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		store, err := OpenStore(context.Background(), filepath.Join(b.TempDir(), "seed.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := store.Seed(context.Background(), 100000, 1); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		store.Close()
		b.StartTimer()
	}
	b.ReportMetric(100000/(b.Elapsed().Seconds()/float64(b.N)), "companies/s")
}

package mapping

import (
	"os"
	"testing"
)

func BenchmarkRow(b *testing.B) {
	m := loadSample(b)
	c := company(b, vendorCompany)
	dst := make([]Cell, 0, len(m.Columns))
	b.ReportAllocs()
	for b.Loop() {
		dst = m.AppendRow(dst[:0], c)
	}
}

func BenchmarkRecordAndDiff(b *testing.B) {
	m := loadSample(b)
	c := company(b, vendorCompany)
	bind, ps := m.Bind(m.Headers(), ReadOptions{})
	if bind == nil {
		b.Fatal(ps)
	}
	row := csvCells(m.Row(c))
	b.ReportAllocs()
	for b.Loop() {
		r, ps := bind.Record(2, row)
		if r == nil {
			b.Fatal(ps)
		}
		if len(r.Diff(c)) != 0 {
			b.Fatal("changes")
		}
	}
}

func BenchmarkParseSample(b *testing.B) {
	data, err := os.ReadFile("../samples/mapping.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("mapping.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

package bangwo8

import (
	"strings"
	"testing"
)

// BenchmarkDecodeListPage measures decoding one list page of 1000 companies in the vendor's
// shapes (string ids, arrays in custom fields, unknown fields).
func BenchmarkDecodeListPage(b *testing.B) {
	page := `{"companies": [` + strings.TrimSuffix(strings.Repeat(vendorExample+",", 1000), ",") + `]}`
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		var env companiesEnvelope
		if err := unmarshalAnswer([]byte(page), &env); err != nil {
			b.Fatal(err)
		}
		if len(env.Companies.items) != 1000 {
			b.Fatal(len(env.Companies.items))
		}
	}
}

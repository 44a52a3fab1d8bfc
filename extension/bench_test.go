package extension

import (
	"strconv"
	"testing"
)

// BenchmarkFilterKeep5000 is one page (or one backfilled row) filtering a 5,000-row asset
// table without an owner index: the fuzzy conditions on every row.
func BenchmarkFilterKeep5000(b *testing.B) {
	rows := make([]Row, 5000)
	for i := range rows {
		rows[i] = Row{"_id": strconv.Itoa(i + 1), "ownerType": "company", "owner": strconv.Itoa(1000001 + i/5),
			"model": "Model-" + strconv.Itoa(i), "status": []string{"在用", "报废", "备用"}[i%3]}
	}
	c, ps := Parse(Params{TableName: "d", CPara: "_id:x", Filter: "ownerType:company,owner:{{company.companyId}},status:在用,model:model-996"})
	if ps.Err() != nil {
		b.Fatal(ps.Err())
	}
	f := c.FilterFor(Page{CompanyID: "1000200"})
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, r := range rows {
			if f.Keep(r) {
				n++
			}
		}
		if n != 1 {
			b.Fatalf("kept %d", n)
		}
	}
}

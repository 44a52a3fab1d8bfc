package sandbox

import (
	"encoding/json"
	"testing"
)

// FuzzParseAssetTables: fixtures' asset tables are stored or refused, never a panic.
func FuzzParseAssetTables(f *testing.F) {
	f.Add(`[{"id": 7, "name": "d", "fields": [{"key": "m"}], "rows": [{"_id": 1, "m": 2}, {"m": "x"}]}]`)
	f.Add(`[{"id": 1, "name": "a", "rows": [{"_id": "1"}, {"_id": 1}]}]`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, raw string) {
		assets, err := parseAssetTables(json.RawMessage(raw))
		if err != nil {
			return
		}
		for _, pt := range assets {
			ids := map[string]bool{}
			for _, r := range pt.rows {
				if ids[r["_id"]] || r["_id"] == "" {
					t.Fatalf("table %s: _id %q twice or empty", pt.table.Name, r["_id"])
				}
				ids[r["_id"]] = true
			}
		}
	})
}

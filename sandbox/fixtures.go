package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// LoadFixtures stores the companies of a JSON document {"companies": [...]} as given,
// read-only fields included: uId, supportId, createDT, updateDT (a bare day is taken as its
// midnight) and the undocumented fields are kept; url is ignored. A company without uId gets
// the next free id, and one whose uId exists replaces it, so loading the same file twice
// changes nothing. asset_tables, beside companies, are the asset tables of the company
// external extension (see assets.go and the package documentation); a table whose id exists
// replaces it, rows included. Other top-level keys are ignored. All or nothing: one bad
// company or asset table stores nothing, and the error names it.
func (s *Store) LoadFixtures(ctx context.Context, r io.Reader) error {
	var doc struct {
		Companies   []map[string]json.RawMessage `json:"companies"`
		AssetTables json.RawMessage              `json:"asset_tables"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return fmt.Errorf("fixtures: not a JSON document {\"companies\": [...]}: %w", err)
	}
	now := time.Now()
	recs := make([]record, len(doc.Companies))
	uids := make([]int64, len(doc.Companies))
	for i, fields := range doc.Companies {
		if fields == nil {
			return fmt.Errorf("fixtures: companies[%d] is not an object", i)
		}
		d := details{}
		if raw, ok := fields["uId"]; ok {
			if uid, ok := intValue(d, "uId", raw, true); ok && uid < 0 {
				d.add("uId", "must be positive, not %d", uid)
			} else {
				uids[i] = uid
			}
		}
		recs[i] = newRecord(now)
		for k, v := range applyFields(&recs[i], fields, modeFixture) {
			d[k] = append(d[k], v...)
		}
		if len(d) > 0 {
			var problems []string
			for _, k := range slices.Sorted(maps.Keys(d)) {
				problems = append(problems, k+" "+strings.Join(d[k], "; "))
			}
			return fmt.Errorf("fixtures: companies[%d] (uId %s): %s", i, fields["uId"], strings.Join(problems, ", "))
		}
	}
	assets, err := parseAssetTables(doc.AssetTables)
	if err != nil {
		return err
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	defer tx.Rollback()
	ins, err := prepareInserter(ctx, tx)
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	defer ins.close()
	for i := range recs {
		if _, _, err := ins.insert(ctx, uids[i], &recs[i]); err != nil {
			return fmt.Errorf("fixtures: companies[%d]: %w", i, err)
		}
	}
	if err := insertAssets(ctx, tx, assets); err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("fixtures: commit: %w", err)
	}
	if err := s.settle(ctx); err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	return nil
}

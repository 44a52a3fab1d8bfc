package importer

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/extension"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/sheet"
)

// RuleAsset is the rule a row breaks when the mapping's extension keeps several assets for it
// and the extension's pick is error.
const RuleAsset mapping.Rule = "asset"

// assetIndex is the asset table of import --assets, held in memory (asset tables are small
// beside company files) and indexed by owner, so that a row with an owner filter looks at its
// owner's assets only, as the sandbox reads them through its owner index.
type assetIndex struct {
	cfg     extension.Config
	rows    []extension.Row
	byOwner map[[2]string][]int // (ownerType, owner) -> rows, in file order
	byType  map[string][]int
}

// loadAssets reads the asset table at path (.xlsx, its first sheet, or .csv): the header row
// names the asset fields by key, a _id column is required and unique, ownerType and owner
// columns are optional. Surrounding spaces of cells are removed.
func loadAssets(path string, cfg extension.Config) (*assetIndex, error) {
	src, err := sheet.Open(path, "")
	if err != nil {
		return nil, err
	}
	defer src.Close()
	_, header, err := sheet.ReadHeader(src, path)
	if err != nil {
		return nil, err
	}
	idCol := -1
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		header[i] = h
		if h != "" && seen[h] {
			return nil, &sheet.InputError{File: path, Sheet: src.Sheet(), Row: 1, Err: fmt.Errorf("column %s: the asset field %q appears twice", mapping.ColumnLetter(i), h)}
		}
		seen[h] = true
		if h == extension.IDField {
			idCol = i
		}
	}
	if idCol < 0 {
		return nil, &sheet.InputError{File: path, Sheet: src.Sheet(), Err: errors.New("the asset table has no _id column (the asset's id, which cPara's _id takes)")}
	}
	x := &assetIndex{cfg: cfg, byOwner: map[[2]string][]int{}, byType: map[string][]int{}}
	ids := map[string]int{}
	for {
		row, cells, err := sheet.NextRow(src)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		r := extension.Row{}
		for i, h := range header {
			if h != "" && i < len(cells) {
				r[h] = strings.TrimSpace(cells[i])
			}
		}
		id := r[extension.IDField]
		bad := func(format string, args ...any) error {
			return &sheet.InputError{File: path, Sheet: src.Sheet(), Row: row, Err: fmt.Errorf("column %s (_id): "+format, append([]any{mapping.ColumnLetter(idCol)}, args...)...)}
		}
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			return nil, bad("%q is not an asset id (a positive whole number)", id)
		}
		if prev, dup := ids[id]; dup {
			return nil, bad("_id %s is already the asset of row %d", id, prev)
		}
		ids[id] = row
		n := len(x.rows)
		x.rows = append(x.rows, r)
		typ, owner := r[extension.OwnerTypeField], r[extension.OwnerField]
		x.byType[typ] = append(x.byType[typ], n)
		x.byOwner[[2]string{typ, owner}] = append(x.byOwner[[2]string{typ, owner}], n)
	}
	return x, nil
}

// kept returns the rows f keeps, in file order: the owner index narrows the candidates, and
// f.Keep decides, as on the sandbox's page.
func (x *assetIndex) kept(f extension.Filter) []extension.Row {
	var out []extension.Row
	keep := func(r extension.Row) {
		if f.Keep(r) {
			out = append(out, r)
		}
	}
	typ, owner := f.Owner()
	switch {
	case typ != "" && owner != "":
		for _, i := range x.byOwner[[2]string{typ, owner}] {
			keep(x.rows[i])
		}
	case typ != "":
		for _, i := range x.byType[typ] {
			keep(x.rows[i])
		}
	default:
		for _, r := range x.rows {
			keep(r)
		}
	}
	return out
}

// assetError is a row the extension cannot fill: the filter keeps several assets.
type assetError struct{ err error }

func (e *assetError) Error() string { return e.err.Error() }
func (e *assetError) Unwrap() error { return e.err }

// ruleOf is the rule a planning error breaks.
func ruleOf(err error) mapping.Rule {
	var ae *assetError
	if errors.As(err, &ae) {
		return RuleAsset
	}
	return RuleMatch
}

// backfill applies the mapping's extension to a planned row: {{company.companyId}} is the
// row's uId, or the uId of the company its key matches (empty for a new company); a company
// row has no contact, so {{user.cId}} is empty. Unlike the page, which shows every asset
// when the placeholder is empty, an empty placeholder means the row has no owner yet: it
// gets no asset (its target cells then keep, as with no asset). One kept asset fills the cPara targets (over the row's cells); none leaves
// them (an empty target cell then keeps the company's value instead of clearing it); several
// make the row invalid unless the extension's pick says first or last. t.asset says what the
// row got, for the report and the plan.
func (r *run) backfill(t *task) error {
	rec, cfg := t.rec, r.assets.cfg
	var company string
	switch {
	case rec.UID != 0:
		company = uidText(rec.UID)
	case r.existing != nil && rec.Key != "":
		if found := r.existing.get(rec.Key); len(found) == 1 {
			company = uidText(found[0].UID)
		}
	}
	f := cfg.FilterFor(extension.Page{CompanyID: company})
	if f.EmptyPlaceholder {
		// The page would show every asset; a row without an owner id has no asset of its own.
		t.asset, t.noOwner = "no asset (a new company has no owner yet)", true
		for _, p := range cfg.CPara {
			keepIfEmpty(rec, p.Company)
		}
		return nil
	}
	row, ok, err := cfg.Choose(r.assets.kept(f))
	if err != nil {
		return &assetError{err: err}
	}
	if !ok {
		t.asset = "no asset"
		if f.OwnerNote != "" {
			t.asset += " (" + f.OwnerNote + ")"
		}
		for _, p := range cfg.CPara {
			keepIfEmpty(rec, p.Company)
		}
		return nil
	}
	assigned := cfg.Assign(row)
	parts := make([]string, len(assigned))
	for i, a := range assigned {
		setCustomText(rec, a.Company, a.Value)
		parts[i] = a.Company + "=" + a.Value
	}
	t.asset = fmt.Sprintf("_id %s: %s", row[extension.IDField], strings.Join(parts, ", "))
	return nil
}

// setCustomText sets the value of the custom.<key> column (a text column: the mapping checks
// it) in the record and in its create body.
func setCustomText(rec *mapping.Record, key, value string) {
	for i := range rec.Values {
		v := &rec.Values[i]
		if k, ok := v.Column.CustomKey(); ok && k == key {
			v.Raw, v.Text, v.Elems, v.Set = value, value, nil, true
		}
	}
	for i := range rec.Input.CustomFields {
		if rec.Input.CustomFields[i].Key == key {
			rec.Input.CustomFields[i].Value = bangwo8.Text(value)
			return
		}
	}
	rec.Input.CustomFields = append(rec.Input.CustomFields, bangwo8.CustomField{Key: key, Value: bangwo8.Text(value)})
}

// keepIfEmpty makes an empty custom.<key> cell leave the company's value alone.
func keepIfEmpty(rec *mapping.Record, key string) {
	for i := range rec.Values {
		v := &rec.Values[i]
		if k, ok := v.Column.CustomKey(); ok && k == key && strings.TrimSpace(v.Raw) == "" {
			v.Set = false
			fields := rec.Input.CustomFields[:0]
			for _, f := range rec.Input.CustomFields {
				if f.Key != key {
					fields = append(fields, f)
				}
			}
			rec.Input.CustomFields = fields
		}
	}
}

// openAssets loads the asset table of import --assets; "" is none. The mapping must have an
// extension block: it says which fields the assets fill and how rows pick their asset.
func openAssets(path string, m *mapping.Mapping) (*assetIndex, error) {
	if path == "" {
		return nil, nil
	}
	if m.Extension == nil {
		return nil, fmt.Errorf("--assets %s: the mapping %s has no extension block to apply (see bangwo8-etl extension --help)", path, m.Name)
	}
	return loadAssets(path, m.Extension.Config)
}

package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/extension"
)

// errNoAssetTable is returned for an asset table the store does not hold.
var errNoAssetTable = errors.New("asset table not found")

// assetSchema keeps asset tables apart from companies: one row per table with its fields, one
// row per asset with its owner in columns (indexed, for the owner filter) and its field
// values as a JSON object.
const assetSchema = `
CREATE TABLE IF NOT EXISTS asset_tables (
	id     INTEGER PRIMARY KEY,
	name   TEXT NOT NULL UNIQUE,
	title  TEXT NOT NULL,
	fields TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS asset_rows (
	table_id   INTEGER NOT NULL,
	id         INTEGER NOT NULL,
	owner_type TEXT NOT NULL,
	owner      TEXT NOT NULL,
	doc        TEXT NOT NULL,
	PRIMARY KEY (table_id, id)
);
CREATE INDEX IF NOT EXISTS asset_rows_owner ON asset_rows (table_id, owner_type, owner);
`

// ensureAssetSchema creates the asset tables of a store that lacks them (older files too).
func ensureAssetSchema(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, assetSchema); err != nil {
		return fmt.Errorf("create asset schema: %w", err)
	}
	return nil
}

// assetTable is an asset table (资产表) of the customer archive.
type assetTable struct {
	ID     int64        `json:"id"`
	Name   string       `json:"name"`  // the unique key (the extension's tableName)
	Title  string       `json:"title"` // shown to people
	Fields []assetField `json:"fields"`
}

// assetField is one column of an asset table.
type assetField struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// keys returns the table's field keys in order.
func (t assetTable) keys() []string {
	out := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		out[i] = f.Key
	}
	return out
}

// title returns the title of field key (the key itself when it has none).
func (t assetTable) title(key string) string {
	if key == extension.IDField {
		return "ID"
	}
	for _, f := range t.Fields {
		if f.Key == key && f.Title != "" {
			return f.Title
		}
	}
	return key
}

// assetFixture is an asset table as fixtures give it, rows included.
type assetFixture struct {
	assetTable
	Rows []map[string]json.RawMessage `json:"rows"`
}

// parsedAssets are fixture tables checked and ready to store.
type parsedAssets []parsedTable

type parsedTable struct {
	table assetTable
	rows  []extension.Row
}

// parseAssetTables checks the asset_tables of a fixtures document: every table has a positive
// id and a name, both unique, fields with keys; every row has a unique _id (the next free one
// when absent) and only the table's fields, ownerType and owner, as strings or numbers.
func parseAssetTables(raw json.RawMessage) (parsedAssets, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var in []assetFixture
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("fixtures: asset_tables must be a list of {id, name, title, fields, rows}: %w", err)
	}
	out := make(parsedAssets, 0, len(in))
	ids, names := map[int64]bool{}, map[string]bool{}
	for i, t := range in {
		where := fmt.Sprintf("fixtures: asset_tables[%d]", i)
		switch {
		case t.ID <= 0:
			return nil, fmt.Errorf("%s: id must be a positive number, not %d", where, t.ID)
		case strings.TrimSpace(t.Name) == "":
			return nil, fmt.Errorf("%s (id %d): name is required", where, t.ID)
		case ids[t.ID]:
			return nil, fmt.Errorf("%s: id %d is used twice", where, t.ID)
		case names[t.Name]:
			return nil, fmt.Errorf("%s: name %q is used twice", where, t.Name)
		}
		ids[t.ID], names[t.Name] = true, true
		known := map[string]bool{extension.IDField: true, extension.OwnerTypeField: true, extension.OwnerField: true}
		for j, f := range t.Fields {
			if f.Key == "" || known[f.Key] {
				return nil, fmt.Errorf("%s (%s): fields[%d] key %q is empty, reserved or repeated", where, t.Name, j, f.Key)
			}
			known[f.Key] = true
		}
		pt := parsedTable{table: t.assetTable, rows: make([]extension.Row, 0, len(t.Rows))}
		if pt.table.Fields == nil {
			pt.table.Fields = []assetField{}
		}
		rowIDs := map[string]bool{}
		var next int64 = 1
		for j, r := range t.Rows {
			row, err := assetRow(r, known)
			if err != nil {
				return nil, fmt.Errorf("%s (%s): rows[%d]: %w", where, t.Name, j, err)
			}
			if row[extension.IDField] == "" {
				for rowIDs[strconv.FormatInt(next, 10)] {
					next++
				}
				row[extension.IDField] = strconv.FormatInt(next, 10)
			}
			if rowIDs[row[extension.IDField]] {
				return nil, fmt.Errorf("%s (%s): rows[%d]: _id %s is used twice", where, t.Name, j, row[extension.IDField])
			}
			rowIDs[row[extension.IDField]] = true
			pt.rows = append(pt.rows, row)
		}
		out = append(out, pt)
	}
	return out, nil
}

// assetRow reads one fixture row: values are strings or numbers (kept as written).
func assetRow(in map[string]json.RawMessage, known map[string]bool) (extension.Row, error) {
	row := extension.Row{}
	for k, raw := range in {
		if !known[k] {
			return nil, fmt.Errorf("%q is not a field of the table", k)
		}
		s, ok := stringValue(raw)
		if !ok {
			return nil, fmt.Errorf("%s must be a string or a number, not %.40s", k, raw)
		}
		row[k] = s
	}
	if id := row[extension.IDField]; id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("_id must be a positive whole number, not %q", id)
		}
		row[extension.IDField] = strconv.FormatInt(n, 10) // "01" and 1 are the same asset
	}
	return row, nil
}

// insertAssets writes parsed tables inside tx, replacing tables of the same id (and their
// rows), so that loading the same fixtures twice changes nothing.
func insertAssets(ctx context.Context, tx *sql.Tx, assets parsedAssets) error {
	for _, pt := range assets {
		fields, err := json.Marshal(pt.table.Fields)
		if err != nil {
			return fmt.Errorf("asset table %s: %w", pt.table.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM asset_rows WHERE table_id = ?", pt.table.ID); err != nil {
			return fmt.Errorf("asset table %s: %w", pt.table.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM asset_tables WHERE id = ? OR name = ?", pt.table.ID, pt.table.Name); err != nil {
			return fmt.Errorf("asset table %s: %w", pt.table.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO asset_tables (id, name, title, fields) VALUES (?, ?, ?, ?)",
			pt.table.ID, pt.table.Name, pt.table.Title, string(fields)); err != nil {
			return fmt.Errorf("asset table %s: %w", pt.table.Name, err)
		}
		st, err := tx.PrepareContext(ctx, "INSERT INTO asset_rows (table_id, id, owner_type, owner, doc) VALUES (?, ?, ?, ?, ?)")
		if err != nil {
			return fmt.Errorf("asset table %s: %w", pt.table.Name, err)
		}
		for _, row := range pt.rows {
			doc, err := json.Marshal(row)
			if err == nil {
				id, _ := strconv.ParseInt(row[extension.IDField], 10, 64)
				_, err = st.ExecContext(ctx, pt.table.ID, id, row[extension.OwnerTypeField], row[extension.OwnerField], string(doc))
			}
			if err != nil {
				st.Close()
				return fmt.Errorf("asset table %s: row %s: %w", pt.table.Name, row[extension.IDField], err)
			}
		}
		st.Close()
	}
	return nil
}

// resolveAssetTable finds the table the extension means: by tableName when it is given
// (tableName wins over tableId, as the vendor says), else by tableId.
func (s *Store) resolveAssetTable(ctx context.Context, id int64, name string) (assetTable, error) {
	q, arg, what := "SELECT id, name, title, fields FROM asset_tables WHERE id = ?", any(id), fmt.Sprintf("id %d", id)
	if name != "" {
		q, arg, what = "SELECT id, name, title, fields FROM asset_tables WHERE name = ?", name, fmt.Sprintf("name %q", name)
	}
	var t assetTable
	var fields string
	err := s.read.QueryRowContext(ctx, q, arg).Scan(&t.ID, &t.Name, &t.Title, &fields)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("asset table with %s: %w", what, errNoAssetTable)
	}
	if err == nil {
		err = json.Unmarshal([]byte(fields), &t.Fields)
	}
	if err != nil {
		return t, fmt.Errorf("read asset table %s: %w", what, err)
	}
	return t, nil
}

// assetRows returns the rows of table that f keeps, by _id. The owner pair, when it applies,
// narrows the read through the index; every condition is then checked by f itself, the one
// implementation the backfill uses too.
func (s *Store) assetRows(ctx context.Context, tableID int64, f extension.Filter) ([]extension.Row, error) {
	q, args := "SELECT doc FROM asset_rows WHERE table_id = ?", []any{tableID}
	if typ, owner := f.Owner(); typ != "" {
		q += " AND owner_type = ?"
		args = append(args, typ)
		if owner != "" {
			q += " AND owner = ?"
			args = append(args, owner)
		}
	}
	rows, err := s.read.QueryContext(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("read asset rows: %w", err)
	}
	defer rows.Close()
	var out []extension.Row
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("read asset rows: %w", err)
		}
		var row extension.Row
		if err := json.Unmarshal(doc, &row); err != nil {
			return nil, fmt.Errorf("read asset rows: %w", err)
		}
		if f.Keep(row) {
			out = append(out, row)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read asset rows: %w", err)
	}
	return out, nil
}

// assignCustom writes the assignments of a picked asset into company uid's custom fields,
// merged by key like a PUT, and stamps updateDT.
func (s *Store) assignCustom(ctx context.Context, uid int64, assigned []extension.Assignment, now string) ([]byte, error) {
	doc, _, err := s.update(ctx, uid, func(rec *record) details {
		for _, a := range assigned {
			v, _ := json.Marshal(a.Value)
			setCustom(rec, a.Company, v)
		}
		rec.UpdateDT = now
		return nil
	})
	return doc, err
}

// findRow returns the row of rows with _id id.
func findRow(rows []extension.Row, id string) (extension.Row, bool) {
	i := slices.IndexFunc(rows, func(r extension.Row) bool { return r[extension.IDField] == id })
	if i < 0 {
		return nil, false
	}
	return rows[i], true
}

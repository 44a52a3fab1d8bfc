package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// errNotFound is returned for a company id the store does not hold.
var errNotFound = errors.New("company not found")

// firstUID is one less than the first id handed out by an empty store: ids that look like the
// vendor's and never equal a row's position, so a client that confuses the two is caught.
const firstUID = 1000000

// schema keeps in companies what lists, filters, orders and searches need, with indexes, so
// SQLite answers them without reading documents; each company's JSON lives in company_docs,
// apart, so that a scan (a name search, a count) reads a slim table of ~150 bytes a row
// rather than documents ten times that size.
// status is always 1 or 2, so "not deleted" is status = 1 and the (status, ...) indexes serve
// the default list. custom_text is a JSON object {key: text} of the custom fields as search
// matches them (see customField.searchText): one column rather than a side table, which
// would cost a write per field and make seeding several times slower.
const schema = `
CREATE TABLE IF NOT EXISTS companies (
	uid             INTEGER PRIMARY KEY,
	company_name    TEXT NOT NULL,
	service_account TEXT NOT NULL,
	create_dt       TEXT NOT NULL,
	update_dt       TEXT NOT NULL,
	status          INTEGER NOT NULL,
	custom_text     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS company_docs (
	uid INTEGER PRIMARY KEY,
	doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS companies_status_uid     ON companies (status, uid);
-- The list with deleted ones (deStat=1) pages by OFFSET in uid order; this narrow index lets a
-- deep OFFSET skip index entries of a few bytes instead of whole rows of the table (13x
-- fewer pages read at 400,000 companies).
CREATE INDEX IF NOT EXISTS companies_uid            ON companies (uid);
CREATE INDEX IF NOT EXISTS companies_status_created ON companies (status, create_dt);
CREATE INDEX IF NOT EXISTS companies_status_updated ON companies (status, update_dt);
CREATE INDEX IF NOT EXISTS companies_created        ON companies (create_dt);
CREATE INDEX IF NOT EXISTS companies_updated        ON companies (update_dt);
CREATE INDEX IF NOT EXISTS companies_account        ON companies (service_account);
`

// Store keeps companies in SQLite. Writes go through one connection (SQLite has one writer);
// reads of a file store run concurrently on their own connections in WAL mode.
type Store struct {
	write *sql.DB
	read  *sql.DB
}

// OpenStore opens or creates the store at path; "" or ":memory:" is a private in-memory store
// that lives until Close.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	if path == "" || path == ":memory:" {
		db, err := sql.Open("sqlite", "file::memory:")
		if err != nil {
			return nil, fmt.Errorf("open in-memory store: %w", err)
		}
		// Every connection to :memory: is a new database, so there is exactly one, kept open.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		s := &Store{write: db, read: db}
		if _, err := db.ExecContext(ctx, schema); err != nil {
			db.Close()
			return nil, fmt.Errorf("create schema: %w", err)
		}
		if err := ensureAssetSchema(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
		return s, nil
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open store %q: the path may not contain ? or #", path)
	}
	const pragmas = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)"
	write, err := sql.Open("sqlite", path+pragmas+"&_pragma=cache_size(-262144)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open store %q: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	if _, err := write.ExecContext(ctx, schema); err != nil {
		write.Close()
		return nil, fmt.Errorf("open store %q: create schema: %w", path, err)
	}
	if err := ensureAssetSchema(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("open store %q: %w", path, err)
	}
	read, err := sql.Open("sqlite", path+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open store %q for reading: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	return &Store{write: write, read: read}, nil
}

// settle checkpoints the write-ahead log after a bulk write, so readers find pages in the
// database file instead of looking each one up in a log of hundreds of megabytes, and
// refreshes the statistics the query planner uses.
func (s *Store) settle(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// Close closes the store; a file store keeps its data for the next OpenStore.
func (s *Store) Close() error {
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// Count returns how many companies the store holds, soft-deleted ones only when asked.
func (s *Store) Count(ctx context.Context, includeDeleted bool) (int, error) {
	q := "SELECT COUNT(*) FROM companies WHERE status = 1"
	if includeDeleted {
		q = "SELECT COUNT(*) FROM companies"
	}
	var n int
	if err := s.read.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("count companies: %w", err)
	}
	return n, nil
}

// CompanyJSON returns the company uid as stored, with uId and without url, straight from the
// database: tests use it to check what a request really wrote.
func (s *Store) CompanyJSON(ctx context.Context, uid int64) (json.RawMessage, error) {
	doc, err := s.get(ctx, uid)
	if err != nil {
		return nil, err
	}
	return companyJSON(uid, doc, ""), nil
}

// companyJSON splices uId (and url, when base is not "") in front of a stored document, so an
// answer needs no decoding and re-encoding of the record.
func companyJSON(uid int64, doc []byte, base string) []byte {
	out := make([]byte, 0, len(doc)+len(base)+64)
	out = append(out, `{"uId":`...)
	out = strconv.AppendInt(out, uid, 10)
	if base != "" {
		out = append(out, `,"url":`...)
		out = strconv.AppendQuote(out, companyURL(base, uid))
	}
	out = append(out, ',')
	return append(out, doc[1:]...)
}

// companyURL is the resource URL of company uid.
func companyURL(base string, uid int64) string {
	return base + "/api/v1/companies/" + strconv.FormatInt(uid, 10) + ".json"
}

// get returns the stored document of uid.
func (s *Store) get(ctx context.Context, uid int64) ([]byte, error) {
	var doc []byte
	err := s.read.QueryRowContext(ctx, "SELECT doc FROM company_docs WHERE uid = ?", uid).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("company %d: %w", uid, errNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read company %d: %w", uid, err)
	}
	return doc, nil
}

// storedRow is a company as a list reads it.
type storedRow struct {
	uid int64
	doc []byte
}

// getMany returns the companies among ids that exist, in the order of ids.
func (s *Store) getMany(ctx context.Context, ids []int64) ([]storedRow, error) {
	found := make(map[int64][]byte, len(ids))
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		q := "SELECT uid, doc FROM company_docs WHERE uid IN (?" + strings.Repeat(",?", len(part)-1) + ")"
		rows, err := s.read.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("read companies: %w", err)
		}
		for rows.Next() {
			var r storedRow
			if err := rows.Scan(&r.uid, &r.doc); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read companies: %w", err)
			}
			found[r.uid] = r.doc
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("read companies: %w", err)
		}
	}
	out := make([]storedRow, 0, len(found))
	for _, id := range ids {
		if doc, ok := found[id]; ok {
			out = append(out, storedRow{uid: id, doc: doc})
			delete(found, id) // an id asked twice is answered once
		}
	}
	return out, nil
}

// create stores a new company and returns its id and document.
func (s *Store) create(ctx context.Context, rec *record) (int64, []byte, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("create company: %w", err)
	}
	defer tx.Rollback()
	ins, err := prepareInserter(ctx, tx)
	if err != nil {
		return 0, nil, err
	}
	defer ins.close()
	uid, doc, err := ins.insert(ctx, 0, rec)
	if err != nil {
		return 0, nil, err
	}
	if err := tx.Commit(); err != nil {
		return 0, nil, fmt.Errorf("create company: commit: %w", err)
	}
	return uid, doc, nil
}

// update applies fields to company uid under the write lock: change reports the problems of
// the fields (nothing is written then), or edits the record and returns nil.
func (s *Store) update(ctx context.Context, uid int64, change func(*record) details) ([]byte, details, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("update company %d: %w", uid, err)
	}
	defer tx.Rollback()
	var old []byte
	err = tx.QueryRowContext(ctx, "SELECT doc FROM company_docs WHERE uid = ?", uid).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("company %d: %w", uid, errNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("update company %d: read: %w", uid, err)
	}
	var rec record
	if err := json.Unmarshal(old, &rec); err != nil {
		return nil, nil, fmt.Errorf("update company %d: stored document: %w", uid, err)
	}
	if d := change(&rec); d != nil {
		return nil, d, nil
	}
	ins, err := prepareInserter(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	defer ins.close()
	_, doc, err := ins.insert(ctx, uid, &rec)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("update company %d: commit: %w", uid, err)
	}
	return doc, nil, nil
}

// inserter writes companies with prepared statements inside one transaction.
type inserter struct {
	add, replace, doc *sql.Stmt
}

func prepareInserter(ctx context.Context, tx *sql.Tx) (*inserter, error) {
	const columns = `INTO companies
		(uid, company_name, service_account, create_dt, update_dt, status, custom_text)`
	var ins inserter
	var err error
	// A plain INSERT of a new row needs no statement journal, which made seeding several times
	// slower than with OR REPLACE; ?1 NULL asks for the next id after the largest one.
	ins.add, err = tx.PrepareContext(ctx, `INSERT `+columns+`
		VALUES (COALESCE(?1, (SELECT COALESCE(MAX(uid), `+strconv.Itoa(firstUID)+`) + 1 FROM companies)), ?2, ?3, ?4, ?5, ?6, ?7)`)
	if err == nil {
		ins.replace, err = tx.PrepareContext(ctx, `INSERT OR REPLACE `+columns+` VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`)
	}
	if err == nil {
		ins.doc, err = tx.PrepareContext(ctx, `INSERT OR REPLACE INTO company_docs (uid, doc) VALUES (?, ?)`)
	}
	if err != nil {
		ins.close()
		return nil, fmt.Errorf("prepare insert: %w", err)
	}
	return &ins, nil
}

func (ins *inserter) close() {
	for _, st := range []*sql.Stmt{ins.add, ins.replace, ins.doc} {
		if st != nil {
			st.Close()
		}
	}
}

// insert writes rec as company uid (0: the next new id), replacing what was there, and returns the id
// and the stored document.
func (ins *inserter) insert(ctx context.Context, uid int64, rec *record) (int64, []byte, error) {
	doc, err := rec.marshal()
	if err != nil {
		return 0, nil, fmt.Errorf("encode company: %w", err)
	}
	texts := make(map[string]string, len(rec.CustomFields))
	for _, f := range rec.CustomFields {
		texts[f.Key] = f.searchText()
	}
	customText, err := json.Marshal(texts)
	if err != nil {
		return 0, nil, fmt.Errorf("encode custom fields: %w", err)
	}
	st, id := ins.add, any(nil)
	if uid != 0 {
		st, id = ins.replace, uid
	}
	res, err := st.ExecContext(ctx, id, rec.CompanyName, rec.ServiceAccount, rec.CreateDT, rec.UpdateDT, rec.Status, customText)
	if err != nil {
		return 0, nil, fmt.Errorf("write company %d: %w", uid, err)
	}
	if uid == 0 {
		if uid, err = res.LastInsertId(); err != nil {
			return 0, nil, fmt.Errorf("write company: new id: %w", err)
		}
	}
	if _, err := ins.doc.ExecContext(ctx, uid, doc); err != nil {
		return 0, nil, fmt.Errorf("write company %d: document: %w", uid, err)
	}
	return uid, doc, nil
}

package sandbox

import (
	"context"
	"fmt"
	"strings"
)

// listQuery is a list call's filters, orders and page, checked already.
type listQuery struct {
	// Half-open ranges [from, to) of "YYYY-MM-DD HH:MM:SS"; "" is unbounded.
	createdFrom, createdTo string
	updatedFrom, updatedTo string
	createdOrder           string // "", "asc" or "desc"
	updatedOrder           string
	includeDeleted         bool
	limit, offset          int
}

// conditions collects a WHERE clause and its arguments.
type conditions struct {
	where []string
	args  []any
}

func (c *conditions) add(cond string, args ...any) {
	c.where = append(c.where, cond)
	c.args = append(c.args, args...)
}

func (c *conditions) addRange(column, from, to string) {
	if from != "" {
		c.add(column+" >= ?", from)
	}
	if to != "" {
		c.add(column+" < ?", to)
	}
}

func (c *conditions) sql() string {
	if len(c.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.where, " AND ")
}

// orderBy renders an ORDER BY over the given (column, "asc"|"desc") pairs, ties broken by uid
// in the direction of the last pair (so an index on the column serves it, read backwards for
// desc), or ascending uid when there is no pair.
func orderBy(prefix string, pairs ...[2]string) string {
	var parts []string
	last := "ASC"
	for _, p := range pairs {
		if p[1] == "" {
			continue
		}
		last = strings.ToUpper(p[1])
		parts = append(parts, prefix+p[0]+" "+last)
	}
	parts = append(parts, prefix+"uid "+last)
	return " ORDER BY " + strings.Join(parts, ", ")
}

// list returns one page of companies. The page's ids come from an index-only query, so a deep
// OFFSET skips index entries rather than documents; the documents are read for that page only.
func (s *Store) list(ctx context.Context, q listQuery) ([]storedRow, error) {
	var c conditions
	if !q.includeDeleted {
		c.add("status = 1")
	}
	c.addRange("create_dt", q.createdFrom, q.createdTo)
	c.addRange("update_dt", q.updatedFrom, q.updatedTo)
	pairs := [][2]string{{"create_dt", q.createdOrder}, {"update_dt", q.updatedOrder}}
	query := "SELECT c.uid, d.doc FROM (SELECT uid FROM companies" + c.sql() + orderBy("", pairs...) +
		" LIMIT ? OFFSET ?) AS page JOIN companies AS c ON c.uid = page.uid JOIN company_docs AS d ON d.uid = c.uid" +
		orderBy("c.", pairs...)
	rows, err := s.read.QueryContext(ctx, query, append(c.args, q.limit, q.offset)...)
	if err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	defer rows.Close()
	out := make([]storedRow, 0, min(q.limit, 1000))
	for rows.Next() {
		var r storedRow
		if err := rows.Scan(&r.uid, &r.doc); err != nil {
			return nil, fmt.Errorf("list companies: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	return out, nil
}

// searchQuery is a search call, checked already.
type searchQuery struct {
	query          parsedQuery
	includeDeleted bool
	sortBy         string // "create_dt" or "update_dt"
	sortOrder      string // "asc" or "desc"
	limit, offset  int
}

// searchHit is the short form of a company that search answers.
type searchHit struct {
	uid                          int64
	companyName, create, updated string
}

// search returns one page of matches and the number of all matches.
func (s *Store) search(ctx context.Context, q searchQuery) ([]searchHit, int, error) {
	var c conditions
	if !q.includeDeleted {
		c.add("status = 1")
	}
	for _, t := range q.query.Terms {
		switch t.Kind {
		case termNameContains:
			c.add("instr(company_name, ?) > 0", t.Value)
		case termAccountEquals:
			c.add("service_account = ?", t.Value)
		case termCustomContains:
			// ->> with a plain text right operand takes it as an object key, not a path.
			c.add("instr(custom_text ->> ?, ?) > 0", t.Key, t.Value)
		case termCreated:
			from, to := t.dayRange()
			c.addRange("create_dt", from, to)
		case termUpdated:
			from, to := t.dayRange()
			c.addRange("update_dt", from, to)
		}
	}
	var count int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM companies"+c.sql(), c.args...).Scan(&count); err != nil {
		return nil, 0, fmt.Errorf("search companies: count: %w", err)
	}
	query := "SELECT uid, company_name, create_dt, update_dt FROM companies" + c.sql() +
		orderBy("", [2]string{q.sortBy, q.sortOrder}) + " LIMIT ? OFFSET ?"
	rows, err := s.read.QueryContext(ctx, query, append(c.args, q.limit, q.offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("search companies: %w", err)
	}
	defer rows.Close()
	var hits []searchHit
	for rows.Next() {
		var h searchHit
		if err := rows.Scan(&h.uid, &h.companyName, &h.create, &h.updated); err != nil {
			return nil, 0, fmt.Errorf("search companies: %w", err)
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("search companies: %w", err)
	}
	return hits, count, nil
}

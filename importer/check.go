package importer

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/sheet"
)

// RuleDuplicateKey is the rule a row breaks when an earlier row of the file has its match key.
const RuleDuplicateKey mapping.Rule = "duplicate_key"

// RuleDuplicateRow is the rule a row without a match key breaks when an earlier row of the
// file has exactly its values, unless the mapping allows duplicates (duplicates: allow).
const RuleDuplicateRow mapping.Rule = "duplicate_row"

// RuleMatch is the rule a valid row breaks when its key finds no company where one is needed
// (update, upsert by uId), several, or one where none may be (create).
const RuleMatch mapping.Rule = "match"

// checker validates the rows of one pass over a sheet: the mapping's rules cell by cell, and
// match keys unique in the file. It keeps one entry per distinct key, nothing per row.
type checker struct {
	binding  *mapping.Binding
	match    *mapping.Column
	keyIndex int            // the match column's index in the sheet; -1 when absent
	firstRow map[string]int // match key -> the first row that has it
	// uid is the uId column, when the mapping matches by another key (a row's uId then wins
	// over its key, so two rows with one uId would write one company); nil otherwise.
	uid      *mapping.Column
	uidIndex int
	firstUID map[int64]int // uId -> the first row that has it
	header   []string      // the header row, to name columns in cell problems
	width    int           // CSV: the header's columns, beyond which no cell may hold a value; 0 for xlsx
	// twins counts the rows without a key by what they write (the first 8 bytes of
	// contentDigest: about 40 bytes a row, a collision once in billions of files): a repeat is
	// invalid, or a twin numbered in Record.Twin when the mapping allows duplicates.
	twins     map[uint64]twin
	allowDups bool
}

// twin is the first row with some values, and how many rows had them so far.
type twin struct{ first, count int32 }

// openTable opens the table of input that m reads: the sheet m names (or the first visible
// one whose header m reads) and its header row, the first of the top rows that m can bind.
func openTable(input string, m *mapping.Mapping) (*sheet.Table, error) {
	return sheet.OpenTable(input, sheet.TableOptions{Sheet: m.Sheet, Asked: m.SheetAsked,
		IsHeader: func(cells []string) bool {
			b, _ := m.Bind(cells, mapping.ReadOptions{})
			return b != nil
		}})
}

// RuleSheetChoice marks the note of a header warning that says which sheet was read when the
// mapping names another.
const RuleSheetChoice mapping.Rule = "sheet_choice"

// bind reads the header of the table and returns a checker for its rows, with the warnings
// Bind reported (unknown columns, optional columns missing) and the table's note.
func bind(t *sheet.Table, name string, m *mapping.Mapping) (*checker, []mapping.Problem, error) {
	header, headerRow, src := t.Header, t.HeaderRow, t.Source
	b, problems := m.Bind(header, mapping.ReadOptions{DateSystem: src.DateSystem(), HeaderRow: headerRow})
	if b == nil {
		return nil, nil, &HeaderError{File: name, Sheet: src.Sheet(), Problems: problems, Header: header, HeaderRow: headerRow}
	}
	if t.Note != "" {
		// Value is the sheet the mapping names, when missing; Header the sheet read.
		problems = append(problems, mapping.Problem{Row: headerRow, Column: -1, Rule: RuleSheetChoice, Severity: mapping.Warning,
			Value: t.Missing, Header: src.Sheet(), Message: t.Note})
	}
	c := &checker{binding: b, match: m.MatchColumn(), keyIndex: -1, firstRow: map[string]int{}, header: header,
		twins: map[uint64]twin{}, allowDups: m.AllowDuplicates}
	if _, isCSV := src.(*sheet.CSV); isCSV {
		// A CSV cell beyond the header is a row shifted by an unquoted comma; in a workbook it
		// is a note beside the table, and is ignored.
		for i, h := range header {
			if h != "" {
				c.width = i + 1
			}
		}
	}
	if c.match != nil {
		for i, h := range header {
			if sameHeader(h, c.match.Header) {
				c.keyIndex = i
			}
		}
	}
	if uid, ok := m.Column(string(field.UID)); ok && c.match != nil && c.match != uid {
		c.uid, c.uidIndex, c.firstUID = uid, -1, map[int64]int{}
		for i, h := range header {
			if sameHeader(h, uid.Header) {
				c.uidIndex = i
			}
		}
	}
	return c, problems, nil
}

// sameHeader compares headers loosely; Bind has already matched them strictly, this only
// finds the match column's letter for messages.
func sameHeader(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(a, "\uFEFF")), strings.TrimSpace(b))
}

// check converts a row and checks its key against the rows before it. The record is nil when
// the row is invalid.
func (c *checker) check(row int, cells []string) (*mapping.Record, []mapping.Problem) {
	if bad := sheet.CellProblems(row, cells, c.header, c.width); len(bad) > 0 {
		_, problems := c.binding.Record(row, cells)
		return nil, append(bad, problems...)
	}
	rec, problems := c.binding.Record(row, cells)
	if rec != nil && rec.UID != 0 && c.uid != nil {
		if first, ok := c.firstUID[rec.UID]; ok {
			return nil, []mapping.Problem{{
				Row: row, Column: c.uidIndex, Letter: mapping.ColumnLetter(c.uidIndex), Header: c.uid.Header,
				Value: uidText(rec.UID), Rule: RuleDuplicateKey,
				Message: fmt.Sprintf("uId %d is also in row %d: a company can be written by one row only", rec.UID, first),
			}}
		}
		c.firstUID[rec.UID] = row
	}
	if rec != nil && rec.Key == "" && rec.UID == 0 {
		digest := contentDigest(rec)
		d := binary.LittleEndian.Uint64(digest[:8])
		tw := c.twins[d]
		if tw.count > 0 && !c.allowDups {
			return nil, []mapping.Problem{{
				Row: row, Column: -1, Rule: RuleDuplicateRow,
				Message: fmt.Sprintf("the row repeats row %d exactly: it would make a second company; remove it, or add duplicates: allow to the mapping if both are wanted", tw.first),
			}}
		}
		if tw.count == 0 {
			tw.first = int32(row)
		}
		tw.count++
		c.twins[d] = tw
		rec.Twin = int(tw.count)
	}
	if rec == nil || rec.Key == "" || c.match == nil {
		return rec, problems
	}
	if first, ok := c.firstRow[rec.Key]; ok {
		return nil, []mapping.Problem{{
			Row: row, Column: c.keyIndex, Letter: mapping.ColumnLetter(c.keyIndex), Header: c.match.Header,
			Value: rec.Key, Rule: RuleDuplicateKey,
			Message: fmt.Sprintf("%s %q is also in row %d: a company can be written by one row only", c.match.Field, rec.Key, first),
		}}
	}
	c.firstRow[strings.Clone(rec.Key)] = row // a copy: the key is a piece of its row's text, which it would keep
	return rec, problems
}

// describe joins problems for one report cell.
func describe(problems []mapping.Problem) (rules, messages string) {
	var rs, ms []string
	for _, p := range problems {
		if p.Severity != mapping.Error {
			continue
		}
		rs = append(rs, string(p.Rule))
		ms = append(ms, p.Error())
	}
	return strings.Join(rs, ","), strings.Join(ms, "; ")
}

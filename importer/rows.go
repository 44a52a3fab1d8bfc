package importer

import (
	"context"
	"fmt"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// Table is the table of a file as an import reads it: the sheet, the header row and its
// number, and the header warnings (unknown columns, optional columns missing).
type Table struct {
	Sheet     string
	HeaderRow int
	Header    []string
	Warnings  []mapping.Problem
}

// CheckRows reads input as Validate and Import do, with the same checks (the mapping's rules
// cell by cell, cells that cannot be, match keys unique in the file), and hands each row that
// is not blank to each with its cells (valid until each returns) and problems: the console's
// grid shows what an import would say, not a second opinion. A header the mapping cannot read
// is a *HeaderError.
func CheckRows(ctx context.Context, input string, m *mapping.Mapping,
	each func(row int, cells []string, problems []mapping.Problem) error) (*Table, error) {
	t, err := openTable(input, m)
	if err != nil {
		return nil, err
	}
	table := &Table{Sheet: t.Sheet(), HeaderRow: t.HeaderRow, Header: append([]string(nil), t.Header...)}
	t.Close()
	_, err = scanCells(ctx, input, m, func(w []mapping.Problem, _ string) { table.Warnings = w },
		func(row int, cells []string, _ *mapping.Record, problems []mapping.Problem) error {
			return each(row, cells, problems)
		})
	if err != nil {
		return nil, fmt.Errorf("check rows: %w", err)
	}
	return table, nil
}

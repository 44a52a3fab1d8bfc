package sheet

import (
	"fmt"
	"unicode/utf8"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// Rules of cells that no mapping column could accept, checked before the mapping reads a row.
const (
	// RuleCellLength: a cell longer than Excel can hold (32,767 characters). Such a cell was
	// not written by a spreadsheet program; it is refused rather than sent to the service.
	RuleCellLength mapping.Rule = "cell_length"
	// RuleControlCharacter: a cell holding a control character other than tab, line feed and
	// carriage return (a NUL byte, say), which no field of the service should store.
	RuleControlCharacter mapping.Rule = "control_character"
	// RuleExtraCell: a CSV row with a value beyond the header's last column, which is what an
	// unquoted comma inside a value does to the row.
	RuleExtraCell mapping.Rule = "extra_cell"
)

// MaxCellChars is the most characters a cell of Excel holds.
const MaxCellChars = 32767

// CellProblems checks the raw cells of a row: their length and characters, and, when width
// is above 0, that no cell beyond the header's width has a value. Values are not repeated in
// the problems: they may be huge, or a password.
func CellProblems(row int, cells, header []string, width int) []mapping.Problem {
	var problems []mapping.Problem
	add := func(i int, rule mapping.Rule, msg string) {
		p := mapping.Problem{Row: row, Column: i, Letter: mapping.ColumnLetter(i), Rule: rule, Severity: mapping.Error, Message: msg}
		if i < len(header) {
			p.Header = header[i]
		}
		problems = append(problems, p)
	}
	for i, c := range cells {
		if width > 0 && i >= width && c != "" {
			add(i, RuleExtraCell, fmt.Sprintf("a value beyond the header's %d columns (the row has %d cells): an unquoted comma inside a value?", width, len(cells)))
			continue
		}
		if len(c) > MaxCellChars { // bytes: only then can the characters be too many
			if n := utf8.RuneCountInString(c); n > MaxCellChars {
				add(i, RuleCellLength, fmt.Sprintf("%s%d holds %d characters; a cell holds at most %d", mapping.ColumnLetter(i), row, n, MaxCellChars))
				continue
			}
		}
		// Control characters are single bytes in UTF-8, never inside a longer character.
		for j := 0; j < len(c); j++ {
			if b := c[j]; b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f {
				add(i, RuleControlCharacter, fmt.Sprintf("control character U+%04X at character %d", b, utf8.RuneCountInString(c[:j])+1))
				break
			}
		}
	}
	return problems
}

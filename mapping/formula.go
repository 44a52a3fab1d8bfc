package mapping

// Spreadsheet programs run a cell that starts with =, +, - or @ as a formula (OWASP "CSV
// injection"); a tab or carriage return in front can hide one. An export therefore prefixes such
// text with an apostrophe, and an import removes exactly that prefix again.

// formulaTrigger reports whether c, as a text cell's first byte, could start a formula.
func formulaTrigger(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// needsEscape reports whether s must be prefixed: it starts with a trigger, or it starts with
// apostrophes followed by a trigger (so that an apostrophe the value really has survives the
// round trip: "'=x" is written "”=x").
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' {
			return formulaTrigger(s[i])
		}
	}
	return false
}

// EscapeFormula returns s made safe for a spreadsheet text cell: an apostrophe is put in front
// of text that a spreadsheet could run as a formula. UnescapeFormula(EscapeFormula(s)) == s for
// every s. Numbers in numeric cells need no escape (a negative number is not a formula).
func EscapeFormula(s string) string {
	if needsEscape(s) {
		return "'" + s
	}
	return s
}

// UnescapeFormula removes the apostrophe that EscapeFormula added, and nothing else: "'=1+1"
// becomes "=1+1", while "'abc" and "it's" stay as they are.
func UnescapeFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && needsEscape(s[1:]) {
		return s[1:]
	}
	return s
}

package exporter

import (
	"bytes"
	"encoding/xml"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// rowXML writes the <row> elements of a sheet's data rows, byte for byte as excelize's
// StreamWriter.SetRow writes them for the three kinds of cell an export has (text with a style,
// a number, a date or time with a style), without SetRow's per-cell work: a cell name string,
// an xlsxC, escaping through a strings.Builder and a copy, a regexp run over every text. That
// work was a third of an xlsx export's CPU. The rows are spliced into the sheet part that
// excelize writes (internal/xlsxout); TestRowXMLMatchesExcelize holds the bytes to
// excelize's.
//
// Where a value is one excelize treats specially (a text longer than a cell, the _xHHHH_
// escapes of OOXML, a date before 1900, a newline), rowXML does what excelize does, with
// excelize's own rules ported below (excelize is BSD-licensed, Copyright 2016-2026 The
// excelize Authors).
type rowXML struct {
	cols    []string // column letters, by index
	scratch []byte
}

// cellKind is what a cell holds, as the xlsx sink gives it.
type cellKind int

const (
	cellText cellKind = iota
	cellNumber
	cellTime
)

// rowCell is one cell of a row: kind, style (0: none) and value.
type rowCell struct {
	kind  cellKind
	style int
	text  string
	num   float64
	time  time.Time
}

// appendRow appends row number r, of cells by column (a nil entry is an empty cell, left out).
func (w *rowXML) appendRow(dst []byte, r int, cells []*rowCell) []byte {
	dst = append(dst, `<row r="`...)
	dst = strconv.AppendInt(dst, int64(r), 10)
	dst = append(dst, `">`...)
	for i, c := range cells {
		if c == nil {
			continue
		}
		dst = w.appendCell(dst, w.col(i), r, c)
	}
	return append(dst, `</row>`...)
}

func (w *rowXML) col(i int) string {
	for len(w.cols) <= i {
		name, _ := excelize.ColumnNumberToName(len(w.cols) + 1)
		w.cols = append(w.cols, name)
	}
	return w.cols[i]
}

func (w *rowXML) appendCell(dst []byte, col string, r int, c *rowCell) []byte {
	dst = append(dst, `<c r="`...)
	dst = append(dst, col...)
	dst = strconv.AppendInt(dst, int64(r), 10)
	dst = append(dst, '"')
	if c.style != 0 {
		dst = append(dst, ` s="`...)
		dst = strconv.AppendInt(dst, int64(c.style), 10)
		dst = append(dst, '"')
	}
	switch c.kind {
	case cellNumber:
		if math.IsNaN(c.num) || math.IsInf(c.num, 0) {
			return w.appendInlineStr(dst, strconv.FormatFloat(c.num, 'g', -1, 64), true) // fmt.Sprint's
		}
		return appendValue(dst, formatCellFloat(c.num))
	case cellTime:
		_, offset := c.time.In(c.time.Location()).Zone()
		t := c.time.Add(time.Duration(offset) * time.Second)
		if serial := timeToExcelTime(t); serial > 0 {
			return appendValue(dst, strconv.FormatFloat(serial, 'f', -1, 64))
		}
		return w.appendInlineStr(dst, t.Format(time.RFC3339Nano), false)
	}
	return w.appendInlineStr(dst, c.text, true)
}

// appendValue closes the cell's start tag and writes a numeric <v>.
func appendValue(dst []byte, v string) []byte {
	dst = append(dst, `><v>`...)
	dst = append(dst, v...) // digits, '-', '.', 'e': nothing to escape
	return append(dst, `</v></c>`...)
}

// appendInlineStr closes the cell's start tag as an inline string; escape says whether the
// text goes through excelize's escaping (its dates before 1900 do not).
func (w *rowXML) appendInlineStr(dst []byte, s string, escape bool) []byte {
	dst = append(dst, ` t="inlineStr"><is><t`...)
	if escape {
		var preserve bool
		s, preserve = w.trimCellValue(s)
		if preserve {
			dst = append(dst, ` xml:space="preserve"`...)
		}
	} else if s != "" && strings.ContainsAny(s[:1]+s[len(s)-1:], "\t\n\r ") {
		dst = append(dst, ` xml:space="preserve"`...)
	}
	dst = append(dst, '>')
	dst = append(dst, s...)
	return append(dst, `</t></is></c>`...)
}

// trimCellValue is excelize's trimCellValue with escaping: the text cut to what a cell holds,
// whether it needs xml:space="preserve", and the text escaped for XML and for OOXML's _xHHHH_.
func (w *rowXML) trimCellValue(s string) (string, bool) {
	if len(s) > excelize.TotalCellChars && countUTF16(s) > excelize.TotalCellChars {
		s = truncateUTF16(s, excelize.TotalCellChars)
	}
	if s == "" {
		return "", false
	}
	preserve := false
	for _, b := range []byte{s[0], s[len(s)-1]} {
		if b == '\t' || b == '\n' || b == '\r' || b == ' ' {
			preserve = true
		}
	}
	if needsXMLEscape(s) {
		w.scratch = append(w.scratch[:0], s...)
		var buf bytes.Buffer
		_ = xml.EscapeText(&buf, w.scratch)
		s = strings.ReplaceAll(buf.String(), "&#xA;", "\n")
	}
	if strings.Contains(s, "_x") {
		s = bstrMarshal(s)
	}
	return s, preserve
}

// needsXMLEscape reports whether xml.EscapeText would change s: a character it escapes, or
// one that is not valid UTF-8 or not allowed in XML (which it replaces).
func needsXMLEscape(s string) bool {
	for _, r := range s {
		switch {
		case r == '"' || r == '\'' || r == '&' || r == '<' || r == '>' || r == '\t' || r == '\n' || r == '\r':
			return true
		case r == 0xFFFD || r < 0x20 || r > 0xD7FF && r < 0xE000 || r == 0xFFFE || r == 0xFFFF:
			return true // U+FFFD itself is kept, but an invalid byte also reads as U+FFFD
		}
	}
	return false
}

func countUTF16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func truncateUTF16(s string, length int) string {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > length {
			return s[:i]
		}
	}
	return s
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal is excelize's: it escapes a literal _xHHHH_ in the text (which OOXML would read
// as the character HHHH) as _x005F_xHHHH_.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// formatCellFloat is excelize's: the shortest decimal of v, cut to Excel's 15 significant
// digits.
func formatCellFloat(value float64) string {
	str := strconv.FormatFloat(value, 'f', -1, 64)
	if math.Abs(value) == math.MaxFloat64 {
		return str
	}
	const maxPrec = 15
	decimal := strings.IndexByte(str, '.')
	significant := 0
	for idx := range str {
		if str[idx] < '0' || str[idx] > '9' || significant == 0 && str[idx] == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			return strings.TrimSuffix(str[:idx], ".")
		}
		if decimal < 0 {
			decimal = len(str)
		}
		truncated := []byte(str[:decimal])
		for ; idx < len(truncated); idx++ {
			truncated[idx] = '0'
		}
		return string(truncated)
	}
	return str
}

const (
	dayNanoseconds = 24 * time.Hour
	maxDuration    = 290 * 364 * dayNanoseconds
)

var (
	excelMinTime1900      = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	excelBuggyPeriodStart = time.Date(1900, time.March, 1, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
)

// timeToExcelTime is excelize's, in the 1900 date system of the workbooks an export writes.
func timeToExcelTime(t time.Time) float64 {
	date := excelMinTime1900
	if t.Before(date) {
		return 0
	}
	tt, diff, result := t, t.Sub(date), 0.0
	for diff >= maxDuration {
		result += float64(maxDuration / dayNanoseconds)
		tt = tt.Add(-maxDuration)
		diff = tt.Sub(date)
	}
	rem := diff % dayNanoseconds
	result += float64(diff-rem)/float64(dayNanoseconds) + float64(rem)/float64(dayNanoseconds)
	if t.After(excelBuggyPeriodStart) {
		result++
	}
	return result
}

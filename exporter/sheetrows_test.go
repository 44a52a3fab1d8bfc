package exporter

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// excelizeRows writes rows 2.. with excelize's StreamWriter and returns their XML: what rowXML
// must write byte for byte.
func excelizeRows(t testing.TB, rows [][]*rowCell) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"header"}); err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		vals := make([]any, len(row))
		for j, c := range row {
			switch {
			case c == nil:
			case c.kind == cellNumber:
				vals[j] = excelize.Cell{StyleID: c.style, Value: c.num}
			case c.kind == cellTime:
				vals[j] = excelize.Cell{StyleID: c.style, Value: c.time}
			default:
				vals[j] = excelize.Cell{StyleID: c.style, Value: c.text}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	part, _ := io.ReadAll(rc)
	s := string(part)
	start := strings.Index(s, "</row>") + len("</row>")
	end := strings.Index(s, "</sheetData>")
	return s[start:end]
}

func ourRows(rows [][]*rowCell) string {
	var w rowXML
	var out []byte
	for i, row := range rows {
		out = w.appendRow(out, i+2, row)
	}
	return string(out)
}

func TestRowXMLMatchesExcelize(t *testing.T) {
	text := func(s string) *rowCell { return &rowCell{kind: cellText, style: 3, text: s} }
	num := func(f float64) *rowCell { return &rowCell{kind: cellNumber, num: f} }
	at := func(t time.Time) *rowCell { return &rowCell{kind: cellTime, style: 4, time: t} }
	rows := [][]*rowCell{
		{text("北京金万维科技有限公司"), nil, num(12.5), at(time.Date(2017, 1, 2, 0, 0, 0, 0, time.UTC)), at(time.Date(2021, 3, 1, 10, 11, 12, 0, time.UTC))},
		{text(" 前后有空格 "), text("a\nb"), text("tab\tcr\rquote\"apos'amp&lt<gt>"), text("=1+1"), text("_x0041_ and _x005F_x0041_ and _xZZZZ_")},
		{text("\x01control"), text("bad\xffutf8"), text("\uFFFD"), text("😀" + strings.Repeat("长", 40)), text("")},
		{num(-0.001), num(123456789012345), num(1.2345678901234567), num(math.MaxFloat64), num(1e21), num(math.Inf(1)), num(math.NaN())},
		{at(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)), at(time.Date(1900, 2, 28, 23, 0, 0, 0, time.UTC)), at(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)),
			at(time.Date(2300, 1, 1, 12, 0, 0, 0, time.UTC)), at(time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("CST", 8*3600)))},
		{text(strings.Repeat("😀", 20000))}, // more UTF-16 units than a cell holds: cut as excelize cuts
		{text("\n"), text(" "), text("x\r\n"), nil, nil, text("last")},
	}
	if got, want := ourRows(rows), excelizeRows(t, rows); got != want {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("differs at byte %d:\nours     %.200q\nexcelize %.200q", i, got[i:], want[i:])
			}
		}
		t.Fatalf("lengths %d and %d", len(got), len(want))
	}
}

// FuzzRowXMLMatchesExcelize holds rowXML to excelize's bytes for any text, number and time.
func FuzzRowXMLMatchesExcelize(f *testing.F) {
	f.Add("普通公司", 12.5, int64(1_600_000_000), int64(0))
	f.Add(" _x0041_\n&<>\"'\t", -1e-7, int64(-2_300_000_000), int64(999))
	f.Add("\xff\x00_x005F_x0000_", math.Inf(-1), int64(1<<40), int64(-1))
	f.Fuzz(func(t *testing.T, s string, n float64, sec, nsec int64) {
		tm := time.Unix(sec%(1<<40), nsec%1e9).UTC()
		rows := [][]*rowCell{{
			{kind: cellText, style: 1, text: s}, {kind: cellNumber, num: n}, {kind: cellTime, style: 2, time: tm},
		}}
		if got, want := ourRows(rows), excelizeRows(t, rows); got != want {
			t.Fatalf("%q %v %v:\nours     %q\nexcelize %q", s, n, tm, got, want)
		}
	})
}

package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// writeMiniXLSX writes a workbook of one sheet, 数据, whose sheet XML and shared strings (nil:
// none) are written by the functions given, streamed: a part of 100 MB costs no memory.
func writeMiniXLSX(t testing.TB, path string, sheetData, sharedStrings func(w io.Writer)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	part := func(name string, write func(w io.Writer)) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		write(w)
	}
	text := func(s string) func(w io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	sst := ""
	if sharedStrings != nil {
		sst = `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
	}
	part("[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`+sst+`</Types>`))
	part("_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	part("xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sharedStrings != nil {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	part("xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels+`</Relationships>`))
	part("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		sheetData(w)
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	if sharedStrings != nil {
		part("xl/sharedStrings.xml", func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			sharedStrings(w)
			io.WriteString(w, `</sst>`)
		})
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
}

func xmlText(s string) func(w io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }

// repeated writes s n times.
func repeated(s string, n int) string { return strings.Repeat(s, n) }

func TestCellLengthRefusedBeforeReading(t *testing.T) {
	header := `<row r="1"><c r="A1" t="inlineStr"><is><t>公司名称</t></is></c></row>`
	long := repeated("长", MaxCellChars+1)
	full := repeated("长", MaxCellChars)
	for _, tt := range []struct {
		name      string
		sheet     string
		sst       string // "" for none
		wantError string // "" for a workbook that opens
	}{
		{"inline string at the limit", header + `<row r="2"><c r="A2" t="inlineStr"><is><t>` + full + `</t></is></c></row>`, "", ""},
		{"inline string past it", header + `<row r="2"><c r="B2" t="inlineStr"><is><t>` + long + `</t></is></c></row>`, "",
			`sheet "数据": row 2: cell B2 holds more than 32767 characters`},
		{"rich text runs summed", header + `<row r="3"><c r="C3" t="inlineStr"><is><r><t>` + full + `</t></r><r><t>x</t></r></is></c></row>`, "",
			`row 3: cell C3 holds more than 32767`},
		{"entities count one character each", header + `<row r="2"><c r="A2" t="inlineStr"><is><t>` + repeated("&amp;", MaxCellChars) + `</t></is></c></row>`, "", ""},
		{"CDATA counted", header + `<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[` + long + `]]></t></is></c></row>`, "", "cell A2 holds more than"},
		{"a number of 40,000 digits", header + `<row r="2"><c r="A2"><v>` + repeated("1", 40000) + `</v></c></row>`, "", "cell A2 holds more than"},
		{"shared string at the limit", header + `<row r="2"><c r="A2" t="s"><v>1</v></c></row>`, `<si><t>x</t></si><si><t>` + full + `</t></si>`, ""},
		{"shared string past it, named by its cell", header + `<row r="2"><c r="A2" t="s"><v>0</v></c></row><row r="5"><c r="D5" t="s"><v>1</v></c></row>`,
			`<si><t>x</t></si><si><t>` + long + `</t></si>`, `sheet "数据": row 5: cell D5 holds more than 32767 characters`},
		{"shared string past it, used by no cell", header, `<si><t>` + long + `</t></si>`, "shared string 0 holds more than 32767 characters"},
		{"phonetic guide not counted", header + `<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, `<si><t>漢字</t><rPh sb="0" eb="2"><t>` + long + `</t></rPh></si>`, ""},
		{"huge attribute", `<row r="1"><c r="A1" t="inlineStr" x="` + repeated("a", maxTag) + `"><is><t>x</t></is></c></row>`, "", "a tag of more than"},
		{"huge formula", `<row r="1"><c r="A1"><f>` + repeated("1+", maxTag) + `1</f><v>2</v></c></row>`, "", "outside the cells' values"},
		{"huge comment", `<!--` + repeated("-", maxTag+10) + `-->` + header, "", "a comment of more than"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t, "book.xlsx")
			var sst func(io.Writer)
			if tt.sst != "" {
				sst = xmlText(tt.sst)
			}
			writeMiniXLSX(t, path, xmlText(tt.sheet), sst)
			src, err := OpenXLSX(path, "")
			if err == nil {
				src.Close()
			}
			switch {
			case tt.wantError == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantError != "" && (err == nil || !strings.Contains(err.Error(), tt.wantError)):
				t.Fatalf("err = %v, want one saying %q", err, tt.wantError)
			}
			var ie *InputError
			if err != nil && !errors.As(err, &ie) {
				t.Errorf("%T is not an *InputError", err)
			}
		})
	}
}

// TestScanPartAnyCut: the scan's verdict does not depend on where reads cut the XML.
func TestScanPartAnyCut(t *testing.T) {
	part := `<?xml version="1.0"?><sst><!-- a > comment --><si><t xml:space="preserve">a&amp;b&#x4E00;</t></si><si><r><rPr><b/></rPr><t>長い</t></r><rPh><t>ながい</t></rPh></si><si/><si><t><![CDATA[<x>]]></t></si><x:si a='>'><x:t>ok</x:t></x:si></sst>`
	want := []int{4, 2, 0, 3, 2}
	for _, r := range []io.Reader{strings.NewReader(part), iotest.OneByteReader(strings.NewReader(part)), iotest.HalfReader(strings.NewReader(part))} {
		var got []int
		err := scanPart(r, "si", func(it *item) error { got = append(got, it.chars); return nil })
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("chars %v, %v; want %v", got, err, want)
		}
	}
}

// FuzzScanPart compares the scan's count of each shared string's characters with
// encoding/xml's reading of the same part (the text of its <t> elements outside <rPh>).
func FuzzScanPart(f *testing.F) {
	f.Add(`<sst><si><t>abc</t></si><si><r><t>長</t></r><rPh><t>x</t></rPh></si></sst>`)
	f.Add(`<sst><si><t>a&amp;&lt;b&#20013;</t></si><si/><si><t><![CDATA[x<y]]></t></si></sst>`)
	f.Add(`<sst><!-- c --><?pi x?><si a="1>2"><t>x</t></si></sst>`)
	f.Fuzz(func(t *testing.T, part string) {
		want, ok := referenceCounts(part)
		if !ok {
			return
		}
		var got []int
		err := scanPart(strings.NewReader(part), "si", func(it *item) error { got = append(got, it.chars); return nil })
		if err != nil {
			return // the scan refuses some parts encoding/xml takes (a tag over its bound)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("scan counts %v, encoding/xml %v in %q", got, want, part)
		}
	})
}

// referenceCounts counts with encoding/xml; ok is false for a part it refuses, or whose
// items nest, or which has text of other elements inside an item (the scan counts only
// <t>).
func referenceCounts(part string) ([]int, bool) {
	d := xml.NewDecoder(strings.NewReader(part))
	d.Strict = true
	var counts []int
	depth, inItem, inT, inPh := 0, false, false, false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return counts, depth == 0
		}
		if err != nil {
			return nil, false
		}
		switch e := tok.(type) {
		case xml.StartElement:
			depth++
			switch e.Name.Local {
			case "si":
				if inItem {
					return nil, false
				}
				inItem = true
				counts = append(counts, 0)
			case "rPh":
				inPh = true
			case "t", "v":
				if inT {
					return nil, false
				}
				inT = true
			}
		case xml.EndElement:
			depth--
			switch e.Name.Local {
			case "si":
				inItem = false
			case "rPh":
				inPh = false
			case "t", "v":
				inT = false
			}
		case xml.CharData:
			if inItem && inT && !inPh {
				counts[len(counts)-1] += len([]rune(string(e)))
			}
		}
	}
}

// A value of the sheet keeps its first bytes only: a shared string's index.
func TestScanKeepsFewBytesOfAValue(t *testing.T) {
	var values []string
	err := scanPart(bytes.NewReader([]byte(`<sheetData><row><c t="s"><v>12</v></c><c><v>`+repeated("9", 1000)+`</v></c></row></sheetData>`)), "c",
		func(it *item) error { values = append(values, string(it.value)); return nil })
	if err != nil || len(values) != 2 || values[0] != "12" || len(values[1]) != maxValue {
		t.Errorf("values %q, %v", values, err)
	}
}

// BenchmarkCheckCellLengths is the length check of a 100,000-row workbook: the reading of
// every sheet and the shared strings that comes before excelize opens it.
//
//	go test ./sheet -run '^$' -bench 'CheckCellLengths|CheckSheetXML$' -benchtime 3x
func BenchmarkCheckCellLengths(b *testing.B) {
	in := b.TempDir() + "/big.xlsx"
	writeBigXLSX(b, in, 100_000)
	b.ResetTimer()
	for b.Loop() {
		z, err := zip.OpenReader(in)
		if err != nil {
			b.Fatal(err)
		}
		if err := checkCellLengths(in, &z.Reader); err != nil {
			b.Fatal(err)
		}
		z.Close()
	}
}

// TestPartsHeldInMemoryBounded: a workbook whose parts excelize would hold in memory (here a
// sheet stored outside xl/worksheets/, named by the workbook's relations) unpack to more than
// MaxHeldParts is refused before they are read; a long cell in such a sheet is refused too.
func TestPartsHeldInMemoryBounded(t *testing.T) {
	write := func(path string, sheetPart string, sheetXML func(w io.Writer)) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		z := zip.NewWriter(f)
		part := func(name, text string, more func(w io.Writer)) {
			w, err := z.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(w, text)
			if more != nil {
				more(w)
			}
		}
		part("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/`+sheetPart+`" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`, nil)
		part("_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`, nil)
		part("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>`, nil)
		part("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/`+sheetPart+`"/></Relationships>`, nil)
		part(sheetPart, `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`, func(w io.Writer) {
			sheetXML(w)
			io.WriteString(w, `</sheetData></worksheet>`)
		})
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
	}
	long := tempPath(t, "long.xlsx")
	write(long, "xl/data/a.xml", xmlText(`<row r="1"><c r="A1" t="inlineStr"><is><t>`+repeated("长", MaxCellChars+1)+`</t></is></c></row>`))
	if _, err := OpenXLSX(long, ""); err == nil || !strings.Contains(err.Error(), "cell A1 holds more than") {
		t.Errorf("a long cell in a sheet outside xl/worksheets: %v", err)
	}
	big := tempPath(t, "big.xlsx")
	write(big, "xl/data/a.xml", func(w io.Writer) {
		row := []byte(`<row><c t="inlineStr"><is><t>` + repeated("x", 1000) + `</t></is></c></row>`)
		for n := 0; n <= MaxHeldParts; n += len(row) {
			w.Write(row)
		}
	})
	if _, err := OpenXLSX(big, ""); err == nil || !strings.Contains(err.Error(), "which would be held in memory") {
		t.Errorf("a sheet of %d MiB outside xl/worksheets: %v", MaxHeldParts>>20, err)
	}
}

// TestCSVRecordBounded: a CSV row longer than MaxRecordBytes is refused with the line it
// starts on, quoted line breaks and quotes inside it counted as part of it; rows under the
// limit read as before.
func TestCSVRecordBounded(t *testing.T) {
	big := `"` + strings.Repeat("长\n\"\"", MaxRecordBytes/5) + `"`
	for _, tt := range []struct {
		name, text, want string
	}{
		{"short rows", "a,b\n\"x\ny\",\"\"\"q\"\"\"\n", ""},
		{"a quoted cell past the limit", "a,b\n1,2\n" + big + ",x\n", "line 3: the row starting on line 3 is longer than 4 MiB"},
		{"an unquoted cell past the limit", "a\n" + strings.Repeat("x", MaxRecordBytes+1), "line 2: the row starting on line 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, err := NewCSV("in.csv", strings.NewReader(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			for err == nil {
				_, _, err = src.Next()
			}
			if tt.want == "" && err != io.EOF || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

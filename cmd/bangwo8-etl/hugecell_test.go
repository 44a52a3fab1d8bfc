package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// writeHugeCellXLSX writes a workbook of the import's header and one row whose 公司名称 is a
// shared string (or, inline, an inline string) of size bytes, streamed: the file is a few
// hundred kilobytes and making it holds no more than 64 KB.
func writeHugeCellXLSX(t testing.TB, path string, size int, inline bool) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	part := func(name string, chunks ...any) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunks {
			switch c := c.(type) {
			case string:
				io.WriteString(w, c)
			case int: // c bytes of x
				chunk := bytes.Repeat([]byte("x"), 64<<10)
				for n := c; n > 0; n -= len(chunk) {
					w.Write(chunk[:min(n, len(chunk))])
				}
			}
		}
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="公司" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	var head strings.Builder
	for i, h := range importHeader {
		head.WriteString(`<c r="` + string(rune('A'+i)) + `1" t="inlineStr"><is><t>` + h + `</t></is></c>`)
	}
	sheet := []any{`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">` + head.String() + `</row><row r="2">`}
	if inline {
		sheet = append(sheet, `<c r="A2" t="inlineStr"><is><t>`, size, `</t></is></c>`)
	} else {
		sheet = append(sheet, `<c r="A2" t="s"><v>0</v></c>`)
	}
	sheet = append(sheet, `<c r="B2" t="inlineStr"><is><t>acc-1</t></is></c></row></sheetData></worksheet>`)
	part("xl/worksheets/sheet1.xml", sheet...)
	sst := []any{`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`}
	if !inline {
		sst = append(sst, `<si><t>`, size, `</t></si>`)
	}
	part("xl/sharedStrings.xml", append(sst, `</sst>`)...)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestValidateRefusesHugeCell: validate and import refuse a workbook whose one cell is 8 MB,
// shared or inline, naming the cell, and write nothing. The refusal reads the first 32,768
// characters of the cell whatever its size; BenchmarkValidateHugeCell prints the memory it
// takes for one of 100 MB.
func TestValidateRefusesHugeCell(t *testing.T) {
	e := newImportEnv(t)
	for _, inline := range []bool{false, true} {
		in := e.path("huge.xlsx")
		writeHugeCellXLSX(t, in, 8<<20, inline)
		if fi, err := os.Stat(in); err != nil || fi.Size() > 1<<20 {
			t.Fatalf("the workbook is %d bytes, %v", fi.Size(), err)
		}
		for _, args := range [][]string{
			{"validate", "--in", in, "--mapping", e.mappingPth, "--report", e.path("report.xlsx")},
			{"import", "--in", in, "--mapping", e.mappingPth, "--report", e.path("report.csv"), "--journal", e.path("run.jsonl")},
		} {
			code, _, stderr := e.run(context.Background(), args...)
			if code != exitPartial || !strings.Contains(stderr, `sheet "公司": row 2: cell A2 holds more than 32767 characters`) {
				t.Errorf("inline=%t %s: exit %d\n%s", inline, args[0], code, stderr)
			}
		}
		for _, out := range []string{"report.xlsx", "report.csv"} {
			if _, err := os.Stat(e.path(out)); err == nil {
				t.Errorf("inline=%t: %s written", inline, out)
			}
		}
	}
	// A CSV row of 20 MB: refused before encoding/csv holds it.
	in := e.path("huge.csv")
	writeHugeCellCSV(t, in, 20<<20)
	code, _, stderr := e.run(context.Background(), "validate", "--in", in, "--mapping", e.mappingPth, "--report", e.path("report.xlsx"))
	if code == exitOK || !strings.Contains(stderr, "line 2: the row starting on line 2 is longer than 4 MiB") {
		t.Errorf("csv: exit %d\n%s", code, stderr)
	}
	if n := e.posts.Load() + e.puts.Load(); n != 0 {
		t.Errorf("%d writes sent", n)
	}
}

// writeHugeCellCSV writes a CSV of the import's header and one row whose 公司名称 is size
// bytes, streamed.
func writeHugeCellCSV(t testing.TB, path string, size int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	io.WriteString(f, strings.Join(importHeader, ",")+"\n")
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for n := size; n > 0; n -= len(chunk) {
		f.Write(chunk[:min(n, len(chunk))])
	}
	io.WriteString(f, ",acc-1,,,\n")
}

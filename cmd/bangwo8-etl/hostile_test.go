package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// The hostile corpus: spreadsheets and mapping files that are broken, malicious or merely
// strange. Each is committed under testdata/hostile (regenerate with -hostile.update), except
// the zip bomb, which is a few megabytes and is generated at test time.
var hostileUpdate = flag.Bool("hostile.update", false, "rewrite testdata/hostile from the generators")

const hostileDir = "../../testdata/hostile"

// hostileCase is one bad file. The import must stop with exit code, print every substring of
// want (which name the place), panic nowhere and write nothing.
type hostileCase struct {
	file      string // name in testdata/hostile
	make      func(*testing.T) []byte
	generated bool   // too big to commit: made at test time
	mapping   string // a mapping file of the corpus; "" is the test mapping (importMappingYAML)
	code      int
	want      []string
}

func hostileCases() []hostileCase {
	header := importHeader
	okRow := []string{"丙公司", "acc-3", "2020-01-01", "1.00", ""}
	return []hostileCase{
		// Not a workbook at all.
		{file: "empty.xlsx", make: bytesOf(""), code: exitUsage, want: []string{"empty.xlsx", "not a readable xlsx workbook"}},
		{file: "not-a-zip.xlsx", make: bytesOf("公司名称,服务账号\n甲,acc\n"), code: exitUsage, want: []string{"not-a-zip.xlsx", "not a readable xlsx workbook"}},
		{file: "truncated.xlsx", make: truncated(workbook(header, okRow)), code: exitUsage, want: []string{"truncated.xlsx", "not a readable xlsx workbook"}},
		{file: "zip-without-workbook.xlsx", make: zipOf(map[string]string{"hello.txt": "hi"}), code: exitUsage, want: []string{"zip-without-workbook.xlsx"}},
		{file: "zip-bomb.xlsx", make: zipBomb, generated: true, code: exitUsage, want: []string{"zip-bomb.xlsx", "unpack to more than"}},
		// excelize stops at the entry that inflates past its size without a word; the sheet is
		// read again to say why.
		{file: "zip-lying-size.xlsx", make: lyingZip, code: exitPartial, want: []string{"zip-lying-size.xlsx", `sheet "Sheet1": row 1`, "cannot be unpacked", "zip: not a valid zip file"}},
		{file: "encrypted.xlsx", make: encrypted, generated: true, code: exitUsage, want: []string{"encrypted.xlsx", "an encrypted workbook or an old .xls file"}}, // random salt
		// excelize ends a sheet at an XML error without reporting it; the sheet is read again
		// to find it, so no row after it is silently lost.
		{file: "xml-entity-bomb.xlsx", make: withSheetXML(entityBomb()), code: exitPartial, want: []string{"xml-entity-bomb.xlsx", `sheet "Sheet1": row 2`, "invalid character entity &e8;"}},
		{file: "broken-after-rows.xlsx", make: withSheetXML(sheetXML(xmlRow(1, header...), xmlRow(2, okRow...), xmlRow(3, "丁公司", "acc-4"),
			`<row r="4"><c r="A4" t="inlineStr"><is><t>&broken;</t></is></c></row>`, xmlRow(5, "戊公司", "acc-5"))), code: exitPartial,
			want: []string{"broken-after-rows.xlsx", `sheet "Sheet1": row 4`, "invalid character entity &broken;", "this row and those after it cannot be read"}},
		// The mapping's sheet is missing and two sheets are visible: which one is meant? (With
		// one visible sheet, that one is read.)
		{file: "no-such-sheet.xlsx", make: withSheet(workbook(header, okRow), "旧数据"), mapping: "mapping-sheet.yaml", code: exitUsage, want: []string{"no-such-sheet.xlsx", `no sheet "不存在"`, `"Sheet1", "旧数据"`}},

		// Workbooks whose layout is wrong.
		{file: "empty-sheet.xlsx", make: workbook(), code: exitUsage, want: []string{"empty-sheet.xlsx", `sheet "Sheet1"`, "no header row"}},
		{file: "header-only.xlsx", make: workbook(header), code: exitPartial, want: []string{"header-only.xlsx", `sheet "Sheet1"`, "no rows below the header"}},
		{file: "merged-header.xlsx", make: mergedHeader, code: exitPartial, want: []string{"merged-header.xlsx", `sheet "Sheet1"`, "服务账号"}},
		// A header split over two rows: no row holds the required headers (a title row above
		// the header is fine: the header row is found in the top rows).
		{file: "two-header-rows.xlsx", make: workbook([]string{"公司名称", "", "", "", ""}, []string{"", "服务账号", "", "", ""}, okRow), code: exitPartial,
			want: []string{"two-header-rows.xlsx", "header", "required column \"服务账号\" is missing", "row 1 holds A 公司名称"}},
		{file: "1000-columns.xlsx", make: thousandColumns, code: exitPartial, want: []string{"1000-columns.xlsx", "ALL", "公司名称"}},
		{file: "long-cell.xlsx", make: withSheetXML(sheetXML(xmlRow(1, header...), xmlRow(2, strings.Repeat("长", 40000), "acc-3"))), code: exitPartial,
			want: []string{"long-cell.xlsx", `sheet "Sheet1": row 2`, "cell A2 holds more than 32767 characters", "refused before reading it"}},
		{file: "formulas.xlsx", make: formulas, code: exitPartial, want: []string{"formulas.xlsx", "row 2", "公司名称", "required", "row 3", "服务费余额", "#DIV/0!"}},
		{file: "nul-bytes.xlsx", make: withSheetXML(sheetXML(xmlRow(1, header...), `<row r="2"><c r="A2" t="inlineStr"><is><t>甲&#0;公司</t></is></c></row>`)), code: exitPartial,
			want: []string{"nul-bytes.xlsx", `sheet "Sheet1": row 2`, "broken at its line 1", "illegal character code U+0000"}},
		{file: "cell-out-of-range.xlsx", make: withSheetXML(sheetXML(xmlRow(1, header...), `<row r="2"><c r="XFE2" t="inlineStr"><is><t>x</t></is></c></row>`)), code: exitPartial,
			want: []string{"cell-out-of-range.xlsx", "row 2"}},
		{file: "bad-shared-string.xlsx", make: withSheetXML(sheetXML(xmlRow(1, header...), `<row r="2"><c r="A2" t="s"><v>99999</v></c><c r="B2" t="inlineStr"><is><t>acc-9</t></is></c></row>`)), code: exitPartial,
			want: []string{"bad-shared-string.xlsx"}},
		{file: "bad-values.xlsx", make: workbook(header, []string{"丁公司", "acc-4", "2023-02-31", "1e400", ""}, []string{"", "acc-5", "明天", "abc", "too-long-password"}), code: exitPartial,
			want: []string{"bad-values.xlsx", "row 2", "服务开始时间", "2023-02-31", "date", "row 3", "required", "服务费余额", "***"}},
		{file: "duplicate-keys.xlsx", make: workbook(header, okRow, okRow), code: exitPartial, want: []string{"duplicate-keys.xlsx", "row 3", "duplicate_key", "acc-3"}},

		// CSV files.
		{file: "empty.csv", make: bytesOf(""), code: exitUsage, want: []string{"empty.csv", "no header row"}},
		{file: "bom-only.csv", make: bytesOf("\uFEFF"), code: exitUsage, want: []string{"bom-only.csv", "no header row"}},
		{file: "utf16.csv", make: bytesOf("\xFF\xFE\x6C\x51"), code: exitUsage, want: []string{"utf16.csv", "UTF-16"}},
		{file: "unclosed-quote.csv", make: csvText(header, okRow).plus(`"乙公司,acc-2,,,` + "\n"), code: exitPartial, want: []string{"unclosed-quote.csv", "line 3", `extraneous or missing " in quoted-field`}},
		{file: "bare-quote.csv", make: csvText(header).plus(`甲"公司,acc-1,,,` + "\n"), code: exitPartial, want: []string{"bare-quote.csv", "line 2, column 4", `bare "`}},
		{file: "ragged-row.csv", make: csvText(header, okRow).plus("北京,科技有限公司,acc-4,2020-01-01,1.00,pw1\n"), code: exitPartial,
			want: []string{"ragged-row.csv", "row 3, column F", "beyond the header's 5 columns", "6 cells", "extra_cell"}},
		{file: "nul-bytes.csv", make: csvText(header).plus("甲\x00公司,acc-1,,,\n"), code: exitPartial, want: []string{"nul-bytes.csv", "row 2, column A (公司名称)", "control character U+0000 at character 2", "control_character"}},
		{file: "mixed-encodings.csv", make: mixedEncodings, code: exitPartial, want: []string{"mixed-encodings.csv", "line 2", "UTF-8", "GBK"}},
		{file: "date-31-feb.csv", make: csvText(header, []string{"戊公司", "acc-6", "2023年2月31日", "", ""}), code: exitPartial,
			want: []string{"date-31-feb.csv", "row 2", "服务开始时间", "2023年2月31日", "date"}},
		{file: "missing-required-column.csv", make: csvText([]string{"公司名称", "服务开始时间"}, []string{"甲", "2020-01-01"}), code: exitPartial,
			want: []string{"missing-required-column.csv", "服务账号"}},
		{file: "duplicate-header.csv", make: csvText([]string{"公司名称", "服务账号", "公司名称"}, []string{"甲", "acc-1", "乙"}), code: exitPartial,
			want: []string{"duplicate-header.csv", "公司名称"}},
		{file: "long-field.csv", make: csvText(header, []string{strings.Repeat("长", 40000), "acc-7", "", "", ""}), code: exitPartial,
			want: []string{"long-field.csv", "row 2, column A (公司名称)", "A2 holds 40000 characters", "cell_length"}},

		// Mapping files (the input is a good CSV).
		{file: "mapping-billion-laughs.yaml", make: billionLaughs, code: exitUsage, want: []string{"mapping-billion-laughs.yaml:", "anchors and aliases"}},
		{file: "mapping-unknown-key.yaml", make: mappingText(strings.Replace(importMappingYAML, "    required: true\n", "    required: true\n    requird: true\n", 1)), code: exitUsage,
			want: []string{"mapping-unknown-key.yaml:7:", "requird"}},
		{file: "mapping-wrong-type.yaml", make: mappingText(strings.Replace(importMappingYAML, "max_length: 8", "max_length: eight", 1)), code: exitUsage,
			want: []string{"mapping-wrong-type.yaml:", "max_length"}},
		{file: "mapping-unknown-field.yaml", make: mappingText(strings.Replace(importMappingYAML, "field: serviceCharge", "field: serviceCharges", 1)), code: exitUsage,
			want: []string{"mapping-unknown-field.yaml:", "serviceCharges"}},
		{file: "mapping-not-yaml.yaml", make: bytesOf("\x00\x01\x02{{{[[[:::"), code: exitUsage, want: []string{"mapping-not-yaml.yaml"}},
		{file: "mapping-empty.yaml", make: bytesOf(""), code: exitUsage, want: []string{"mapping-empty.yaml"}},
		{file: "mapping-deep-nesting.yaml", make: bytesOf("version: 1\ncolumns: " + strings.Repeat("[", 10000) + "\n"), code: exitUsage, want: []string{"mapping-deep-nesting.yaml:"}},
		{file: "mapping-sheet.yaml", make: mappingText("version: 1\nmatch: serviceaccount\nsheet: 不存在\ncolumns:\n  - header: 公司名称\n    field: companyName\n  - header: 服务账号\n    field: serviceaccount\n"),
			mapping: "mapping-sheet.yaml", code: -1}, // used by no-such-sheet.xlsx
	}
}

// TestHostileInput imports every file of the corpus against a sandbox: each stops with its
// exit code and a message naming the place, without a panic and without a single write.
func TestHostileInput(t *testing.T) {
	cases := hostileCases()
	if *hostileUpdate {
		if err := os.MkdirAll(hostileDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if !c.generated {
				if err := os.WriteFile(filepath.Join(hostileDir, c.file), c.make(t), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	good := csvText(importHeader, []string{"丙公司", "acc-3", "", "", ""})(t)
	tested := 0
	for _, c := range cases {
		if c.code < 0 {
			continue
		}
		tested++
		t.Run(c.file, func(t *testing.T) {
			e := newImportEnv(t, sandboxtest.WithFixtures([]byte(importFixtures)))
			before, err := e.srv.Store.Count(context.Background(), true)
			if err != nil {
				t.Fatal(err)
			}
			data := c.make(t)
			if !c.generated {
				committed, err := os.ReadFile(filepath.Join(hostileDir, c.file))
				if err != nil || !bytes.Equal(committed, data) {
					t.Fatalf("testdata/hostile/%s is missing or stale (%v): run go test -run TestHostileInput -hostile.update", c.file, err)
				}
			}
			in, mappingPath := e.write(c.file, data), e.mappingPth
			switch {
			case strings.HasSuffix(c.file, ".yaml"):
				in, mappingPath = e.write("good.csv", good), in
			case c.mapping != "":
				mappingPath = filepath.Join(hostileDir, c.mapping)
			}
			code, stdout, stderr := e.run(context.Background(), "import", "--in", in, "--mapping", mappingPath,
				"--report", e.path("report.csv"), "--lang", "en")
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s", code, c.code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stdout+stderr, "panic") || strings.Contains(stdout+stderr, "goroutine ") {
				t.Errorf("a panic:\n%s", stderr)
			}
			if e.posts.Load()+e.puts.Load() != 0 {
				t.Errorf("%d creates and %d updates reached the sandbox", e.posts.Load(), e.puts.Load())
			}
			if after, _ := e.srv.Store.Count(context.Background(), true); after != before {
				t.Errorf("the sandbox holds %d companies, %d before", after, before)
			}
		})
	}
	if tested < 30 {
		t.Errorf("only %d hostile files, want at least 30", tested)
	}
}

// ---- generators -------------------------------------------------------------------------

func bytesOf(s string) func(*testing.T) []byte {
	return func(*testing.T) []byte { return []byte(s) }
}

func mappingText(s string) func(*testing.T) []byte { return bytesOf(s) }

// csvText is the rows as UTF-8 CSV; a string can be appended to it with +.
type csvMaker func(*testing.T) []byte

func csvText(rows ...[]string) csvMaker {
	return func(*testing.T) []byte {
		var b strings.Builder
		for _, r := range rows {
			for i, c := range r {
				if i > 0 {
					b.WriteByte(',')
				}
				if strings.ContainsAny(c, ",\"\n") {
					c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
				}
				b.WriteString(c)
			}
			b.WriteByte('\n')
		}
		return []byte(b.String())
	}
}

func (m csvMaker) plus(s string) csvMaker {
	return func(t *testing.T) []byte { return append(m(t), s...) }
}

// workbook is an xlsx with rows of text cells on Sheet1, as excelize writes it.
func workbook(rows ...[]string) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		f := excelize.NewFile()
		defer f.Close()
		for i, r := range rows {
			for j, v := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if err := f.SetCellStr("Sheet1", cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		return saveWorkbook(t, f)
	}
}

// withSheet adds an empty visible sheet after the workbook's.
func withSheet(make func(*testing.T) []byte, name string) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		f, err := excelize.OpenReader(bytes.NewReader(make(t)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		return saveWorkbook(t, f)
	}
}

func saveWorkbook(t *testing.T, f *excelize.File, opts ...excelize.Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := f.WriteTo(&b, opts...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func truncated(make func(*testing.T) []byte) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		b := make(t)
		return b[:len(b)/2]
	}
}

// zipOf is a zip of the given files.
func zipOf(files map[string]string) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		for _, name := range slices.Sorted(maps.Keys(files)) {
			f, err := w.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			io.WriteString(f, files[name])
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
}

// withSheetXML is a workbook whose first sheet's XML is replaced by sheet, so that a test can
// put there what excelize would refuse to write.
func withSheetXML(sheet string) func(*testing.T) []byte {
	return func(t *testing.T) []byte {
		return replaceZipEntry(t, workbook([]string{"x"})(t), "xl/worksheets/sheet1.xml", []byte(sheet))
	}
}

func replaceZipEntry(t *testing.T, data []byte, name string, content []byte) []byte {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range r.File {
		out, err := w.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			out.Write(content)
			continue
		}
		in, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(out, in)
		in.Close()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sheetXML(rows ...string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		strings.Join(rows, "") + `</sheetData></worksheet>`
}

// xmlRow is row r of inline-string cells from column A.
func xmlRow(r int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, r)
	for i, c := range cells {
		name, _ := excelize.CoordinatesToCellName(i+1, r)
		fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>`, name)
		xml.EscapeText(&b, []byte(c))
		b.WriteString(`</t></is></c>`)
	}
	b.WriteString(`</row>`)
	return b.String()
}

func entityBomb() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">`)
	prev := "a"
	for i := range 9 {
		name := fmt.Sprintf("e%d", i)
		fmt.Fprintf(&b, `<!ENTITY %s "%s">`, name, strings.Repeat("&"+prev+";", 10))
		prev = name
	}
	b.WriteString(`]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	b.WriteString(xmlRow(1, importHeader...))
	fmt.Fprintf(&b, `<row r="2"><c r="A2" t="inlineStr"><is><t>&%s;</t></is></c></row></sheetData></worksheet>`, prev)
	return b.String()
}

// zipBomb is a workbook whose sheet unpacks to 5 GiB of spaces (about 5 MB on disk): the zip's
// own sizes are true, so only a limit on the unpacked size refuses it.
func zipBomb(t *testing.T) []byte {
	const size = 5 << 30
	skeleton := workbook([]string{"x"})(t)
	r, err := zip.NewReader(bytes.NewReader(skeleton), int64(len(skeleton)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range r.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			out, _ := w.Create(f.Name)
			in, _ := f.Open()
			io.Copy(out, in)
			in.Close()
			continue
		}
		// One deflated megabyte of spaces, sync-flushed so that copies of it can follow each
		// other, then an empty final block: the stream inflates to size spaces.
		var block bytes.Buffer
		chunk := bytes.Repeat([]byte{' '}, 1<<20)
		fw, _ := flate.NewWriter(&block, flate.BestCompression)
		fw.Write(chunk)
		fw.Flush()
		crc := uint32(0)
		var body bytes.Buffer
		for range size / len(chunk) {
			body.Write(block.Bytes())
			crc = crc32.Update(crc, crc32.IEEETable, chunk)
		}
		body.Write([]byte{0x03, 0x00}) // a final, empty, fixed-Huffman block
		out, err := w.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(body.Len()), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		out.Write(body.Bytes())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// lyingZip is a workbook whose sheet says it unpacks to 100 bytes but holds a megabyte.
func lyingZip(t *testing.T) []byte {
	data := withSheetXML(sheetXML(xmlRow(1, importHeader...), xmlRow(2, strings.Repeat("x", 1<<20))))(t)
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range r.File {
		raw, _ := f.OpenRaw()
		h := f.FileHeader
		if f.Name == "xl/worksheets/sheet1.xml" {
			h.UncompressedSize64 = 100
		}
		out, err := w.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(out, raw)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encrypted(t *testing.T) []byte {
	f := excelize.NewFile(excelize.Options{Password: "hostile"})
	defer f.Close()
	for i, h := range importHeader {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellStr("Sheet1", cell, h)
	}
	return saveWorkbook(t, f)
}

func mergedHeader(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	for i, h := range importHeader {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellStr("Sheet1", cell, h)
	}
	f.SetCellStr("Sheet1", "A2", "甲公司")
	f.SetCellStr("Sheet1", "B2", "acc-1")
	if err := f.MergeCell("Sheet1", "A1", "B1"); err != nil { // 服务账号 disappears under 公司名称
		t.Fatal(err)
	}
	return saveWorkbook(t, f)
}

func thousandColumns(t *testing.T) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	header := make([]any, 1000)
	row := make([]any, 1000)
	for i := range header {
		header[i] = fmt.Sprintf("备注%d", i+1)
		row[i] = "x"
	}
	for i, h := range importHeader {
		header[i] = h
		row[i] = []string{"丙公司", "acc-3", "", "", ""}[i]
	}
	header[999] = "公司名称" // column ALL repeats the first header
	sw.SetRow("A1", header)
	sw.SetRow("A2", row)
	sw.Flush()
	return saveWorkbook(t, f)
}

func formulas(t *testing.T) []byte {
	rows := []string{
		xmlRow(1, importHeader...),
		// A formula whose value was never computed (written by a script, not by Excel).
		`<row r="2"><c r="A2"><f>CONCAT("甲","公司")</f></c><c r="B2" t="inlineStr"><is><t>acc-8</t></is></c></row>`,
		// A formula whose computed value is an error.
		`<row r="3"><c r="A3" t="inlineStr"><is><t>乙公司</t></is></c><c r="B3" t="inlineStr"><is><t>acc-9</t></is></c>` +
			`<c r="D3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>`,
	}
	return withSheetXML(sheetXML(rows...))(t)
}

// mixedEncodings is a CSV whose header is UTF-8 and whose data row was appended by a GBK tool.
func mixedEncodings(t *testing.T) []byte {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("甲公司,acc-1,,,\n")
	if err != nil {
		t.Fatal(err)
	}
	return append(csvText(importHeader)(t), gbk...)
}

func billionLaughs(*testing.T) []byte {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for i := range 9 {
		name := fmt.Sprintf("b%d", i)
		fmt.Fprintf(&b, "%s: &%s [%s]\n", name, name, strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ","))
		prev = name
	}
	b.WriteString("version: 1\ncolumns:\n  - header: 公司名称\n    field: companyName\n")
	return []byte(b.String())
}

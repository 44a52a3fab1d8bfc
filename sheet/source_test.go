package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// records reads every row of input that is not blank through the mapping, as the importer
// does, failing on any problem.
func records(t *testing.T, input string, m *mapping.Mapping) []*mapping.Record {
	t.Helper()
	recs, problems := recordsAndProblems(t, input, m)
	for _, p := range problems {
		t.Errorf("%v", p)
	}
	return recs
}

// recordsAndProblems reads every row of input that is not blank through the mapping, as the
// importer does: the records of the valid rows, the problems of the others.
func recordsAndProblems(t *testing.T, input string, m *mapping.Mapping) ([]*mapping.Record, []mapping.Problem) {
	t.Helper()
	src, err := Open(input, m.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	headerRow, header, err := ReadHeader(src, input)
	if err != nil {
		t.Fatal(err)
	}
	b, problems := m.Bind(header, mapping.ReadOptions{DateSystem: src.DateSystem(), HeaderRow: headerRow})
	if b == nil {
		t.Fatalf("header: %v", problems)
	}
	var out []*mapping.Record
	var bad []mapping.Problem
	for {
		row, cells, err := NextRow(src)
		if err == io.EOF {
			return out, bad
		}
		if err != nil {
			t.Fatal(err)
		}
		if cp := CellProblems(row, cells, header, 0); len(cp) > 0 {
			bad = append(bad, cp...)
			continue
		}
		rec, problems := b.Record(row, cells)
		if rec == nil {
			bad = append(bad, problems...)
			continue
		}
		out = append(out, rec)
	}
}

func valueOf(rec *mapping.Record, field string) string {
	for _, v := range rec.Values {
		if v.Column.Field == field {
			return v.Text
		}
	}
	return "<none>"
}

func TestXLSXDatesNumbersAndSharedStrings(t *testing.T) {
	for _, system := range []struct {
		name   string
		date04 bool
		serial float64 // 2017-01-01
	}{{"1900", false, 42736}, {"1904", true, 42736 - 1462}} {
		t.Run(system.name, func(t *testing.T) {
			in := tempPath(t, "in.xlsx")
			writeXLSX(t, in, "", [][]any{
				{"公司名称", "服务账号", "服务开始时间", "服务费余额", "公司ID", "区域"},
				{"甲公司", "acc-1", dated{serial: system.serial, numFmt: 14}, 12.5, 101, "北京市/海淀区"},
				{}, // blank rows are skipped
				{"  乙公司 ", 1234567, "2018/2/3", 0, nil, nil},
				{"丙公司", "acc-3", dated{serial: system.serial + 1, custom: customFormat(`yyyy"年"m"月"d"日"`)}},
				{"丁公司", "acc-4", dated{serial: system.serial + 0.5, custom: customFormat("[$-804]yyyy/m/d h:mm")}},
				// A bare number in a cell without a date format is a year, not 1905-07-16.
				{"戊公司", "acc-5", 2024},
				// A number format that is no date leaves the number bare, and refused.
				{"己公司", "acc-6", dated{serial: 42736, custom: customFormat(`#,##0.00 "元"`)}},
			}, system.date04)
			src, err := Open(in, "")
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			var dates []string
			for {
				_, cells, err := NextRow(src)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(cells) > 2 {
					dates = append(dates, cells[2])
				}
			}
			want := []string{"服务开始时间", "2017-01-01", "2018/2/3", "2017-01-02", "2017-01-01 12:00:00", "2024", "42736"}
			if !slices.Equal(dates, want) {
				t.Errorf("date cells read as %q, want %q", dates, want)
			}
			recs, problems := recordsAndProblems(t, in, testMapping(t, "serviceaccount"))
			if len(recs) != 3 {
				t.Fatalf("%d records, want 3", len(recs))
			}
			if len(problems) != 3 || problems[0].Row != 6 || !strings.Contains(problems[1].Message, "bare number") || problems[2].Row != 8 {
				t.Errorf("problems %v, want the bare numbers of rows 7 and 8 and the datetime in a date column", problems)
			}
			if got := valueOf(recs[0], "servicestarttime"); got != "2017-01-01" {
				t.Errorf("serial %v in the %s system = %q, want 2017-01-01", system.serial, system.name, got)
			}
			if got := valueOf(recs[0], "serviceCharge"); got != "12.5" {
				t.Errorf("number cell = %q", got)
			}
			if recs[0].UID != 101 || recs[0].Row != 2 || recs[1].Row != 4 {
				t.Errorf("uId %d, rows %d and %d", recs[0].UID, recs[0].Row, recs[1].Row)
			}
			if got := valueOf(recs[1], "companyName"); got != "乙公司" || recs[1].Key != "1234567" {
				t.Errorf("row 4: name %q key %q", got, recs[1].Key)
			}
		})
	}
}

func TestXLSXInlineStrings(t *testing.T) {
	in := tempPath(t, "inline.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	// The stream writer stores text as inline strings (t="inlineStr"), not shared ones.
	for i, row := range [][]any{{"公司名称", "服务账号"}, {"内联公司", "acc-inline"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(in); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if !sheetXMLContains(t, in, `t="inlineStr"`) {
		t.Fatal("the test workbook has no inline strings")
	}
	recs := records(t, in, testMapping(t, "serviceaccount"))
	if len(recs) != 1 || valueOf(recs[0], "companyName") != "内联公司" || recs[0].Key != "acc-inline" {
		t.Errorf("records: %+v", recs)
	}
}

func sheetXMLContains(t *testing.T, path, s string) bool {
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(b, []byte(s)) {
				return true
			}
		}
	}
	return false
}

func TestXLSXSheetByName(t *testing.T) {
	in := tempPath(t, "in.xlsx")
	writeXLSX(t, in, "公司", [][]any{{"公司名称", "服务账号"}, {"甲", "a"}}, false)
	if _, err := OpenXLSX(in, "公司"); err != nil {
		t.Fatal(err)
	}
	_, err := OpenXLSX(in, "客户")
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), `no sheet "客户" (the workbook has "公司")`) {
		t.Errorf("missing sheet: %v", err)
	}
	if _, err := Open(writeFile(t, "bad.xlsx", []byte("not a zip")), ""); !errors.As(err, &ie) {
		t.Errorf("not a workbook: %v", err)
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := tempPath(t, name)
	if err := writeBytes(p, data); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCSVEncodings(t *testing.T) {
	rows := [][]string{{"公司名称", "服务账号"}, {"北京金万维科技有限公司", "账号一"}}
	for _, enc := range []struct {
		name string
		want Encoding
	}{{"utf8", EncodingUTF8}, {"utf8-bom", EncodingUTF8BOM}, {"gbk", EncodingGBK}} {
		t.Run(enc.name, func(t *testing.T) {
			in := tempPath(t, "in.csv")
			writeCSV(t, in, rows, enc.name)
			src, err := OpenCSV(in)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if got := src.Encoding(); got != enc.want {
				t.Errorf("encoding %s, want %s", got, enc.want)
			}
			recs := records(t, in, testMapping(t, "serviceaccount"))
			if len(recs) != 1 || valueOf(recs[0], "companyName") != "北京金万维科技有限公司" || recs[0].Key != "账号一" {
				t.Errorf("records: %+v", recs)
			}
		})
	}
}

func TestDetectEncodingAcrossChunks(t *testing.T) {
	// A three-byte rune cut by the 64 KiB chunk boundary is still UTF-8.
	data := append(bytes.Repeat([]byte("a"), 64<<10-1), "中文"...)
	if enc, err := detectEncoding(bytes.NewReader(data)); err != nil || enc != EncodingUTF8 {
		t.Errorf("got %s, %v; want utf-8", enc, err)
	}
	if _, err := detectEncoding(bytes.NewReader([]byte{0xFF, 0xFE, 'a', 0})); err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("UTF-16: %v", err)
	}
}

func TestCSVSyntaxErrorNamesTheLine(t *testing.T) {
	src, err := NewCSV("bad.csv", strings.NewReader("a,b\n1,2\n3,\"x\"y\n"))
	if err != nil {
		t.Fatal(err)
	}
	for {
		_, _, err = src.Next()
		if err != nil {
			break
		}
	}
	var ie *InputError
	if !errors.As(err, &ie) || ie.Line != 3 || !strings.Contains(err.Error(), "bad.csv: line 3, column") {
		t.Errorf("error %v, want one at line 3", err)
	}
}

func FuzzCSVSource(f *testing.F) {
	f.Add([]byte("公司名称,服务账号\n甲,a\n"))
	f.Add([]byte("\xEF\xBB\xBFa,b\n\"x\ny\",z\n"))
	f.Add([]byte("a,\"b\nc"))
	f.Add([]byte{0xB9, 0xAB, 0xCB, 0xBE, ',', 'x', '\n'})
	f.Add([]byte("a,b\n1,\"2\"3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := NewCSV("f.csv", bytes.NewReader(data))
		if err != nil {
			return
		}
		last := 0
		for {
			row, _, err := src.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var ie *InputError
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), "f.csv") {
					t.Fatalf("error without a place: %v", err)
				}
				if ie.Line < 1 {
					t.Fatalf("error without a line: %v", err)
				}
				return
			}
			if row < last || row < 1 {
				t.Fatalf("row %d after %d", row, last)
			}
			last = row
		}
	})
}

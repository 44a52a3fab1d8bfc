package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

func TestCellProblems(t *testing.T) {
	header := []string{"公司名称", "服务账号", "服务密码"}
	tests := []struct {
		name  string
		cells []string
		width int
		want  []string // Problem.Error() of each, in order
	}{
		{"fine", []string{"甲公司", "a\tb\r\nc", ""}, 3, nil},
		{"longest cell Excel holds", []string{strings.Repeat("长", MaxCellChars)}, 0, nil},
		{"too long", []string{"", strings.Repeat("长", MaxCellChars+1)}, 0,
			[]string{"row 7, column B (服务账号): B7 holds 32768 characters; a cell holds at most 32767"}},
		{"NUL", []string{"甲\x00公司"}, 0, []string{"row 7, column A (公司名称): control character U+0000 at character 2"}},
		{"DEL in a password: no value shown", []string{"", "", "pw\x7f"}, 0, []string{"row 7, column C (服务密码): control character U+007F at character 3"}},
		{"escape", []string{"\x1b[31m"}, 0, []string{"row 7, column A (公司名称): control character U+001B at character 1"}},
		{"extra CSV cell", []string{"北京", "科技", "acc", "pw"}, 3,
			[]string{"row 7, column D: a value beyond the header's 3 columns (the row has 4 cells): an unquoted comma inside a value?"}},
		{"empty extra CSV cells", []string{"甲", "a", "", "", ""}, 3, nil},
		{"xlsx: a note beside the table", []string{"甲", "a", "", "note"}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CellProblems(7, tt.cells, header, tt.width)
			if len(got) != len(tt.want) {
				t.Fatalf("problems %v, want %v", got, tt.want)
			}
			for i, p := range got {
				if p.Error() != tt.want[i] || p.Severity != mapping.Error || p.Value != "" {
					t.Errorf("problem %q (severity %v, value %q), want %q", p.Error(), p.Severity, p.Value, tt.want[i])
				}
			}
		})
	}
}

func TestCheckOneEncoding(t *testing.T) {
	gbk := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name, text string
		line       int
		want       string
	}{
		{"all GBK", gbk("公司名称,服务账号\n甲公司,a\n乙公司,b\n"), 0, ""},
		{"GBK with ASCII lines", "name,account\n" + gbk("甲公司,a\n"), 0, ""},
		{"UTF-8 then GBK", "公司名称,服务账号\n" + gbk("甲公司,a\n"), 2, "line 1 is UTF-8 but line 2 is not"},
		{"GBK then UTF-8", gbk("公司名称,服务账号\n") + "x,y\n甲公司,a\n", 3, "line 3 is UTF-8 but line 1 is not"},
		{"one stray UTF-8 character is not enough", gbk("公司名称\n") + "é\n", 0, ""},
		{"long GBK line", gbk(strings.Repeat("甲", 100000)) + "\n" + gbk("乙\n"), 0, ""},
	}
	for _, tt := range tests {
		line, err := checkOneEncoding(strings.NewReader(tt.text))
		if line != tt.line || (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: line %d, %v; want line %d, %q", tt.name, line, err, tt.line, tt.want)
		}
	}
}

func TestXLSXZipBombAndEncryptedRefused(t *testing.T) {
	dir := t.TempDir()
	// An entry that declares more than MaxUnzippedSize: refused before anything is unpacked.
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	h := &zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, UncompressedSize64: MaxUnzippedSize + 1}
	if _, err := w.CreateRaw(h); err != nil {
		t.Fatal(err)
	}
	w.Close()
	bomb := filepath.Join(dir, "bomb.xlsx")
	os.WriteFile(bomb, b.Bytes(), 0o644)
	_, err := OpenXLSX(bomb, "")
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "bomb.xlsx: the workbook would unpack to more than 4 GiB") {
		t.Errorf("zip bomb: %v", err)
	}

	f := excelize.NewFile(excelize.Options{Password: "pw"})
	locked := filepath.Join(dir, "locked.xlsx")
	if err := f.SaveAs(locked); err != nil {
		t.Fatal(err)
	}
	_, err = OpenXLSX(locked, "")
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "locked.xlsx: an encrypted workbook or an old .xls file") || strings.Contains(err.Error(), "pw") {
		t.Errorf("encrypted: %v", err)
	}
}

// FuzzXLSXSource opens arbitrary bytes as a workbook and reads every row: an error names the
// file, and nothing panics.
func FuzzXLSXSource(f *testing.F) {
	good := excelize.NewFile()
	good.SetSheetRow("Sheet1", "A1", &[]any{"公司名称", "服务账号"})
	good.SetSheetRow("Sheet1", "A2", &[]any{"甲", 1.5})
	// A date-formatted cell: the reading follows the cells' styles too.
	dateStyle, _ := good.NewStyle(&excelize.Style{NumFmt: 14})
	good.SetCellFloat("Sheet1", "C2", 45356, -1, 64)
	good.SetCellStyle("Sheet1", "C2", "C2", dateStyle)
	var b bytes.Buffer
	good.WriteTo(&b)
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:b.Len()/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "f.xlsx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		src, err := OpenXLSX(path, "")
		if err != nil {
			if !strings.Contains(err.Error(), "f.xlsx") {
				t.Fatalf("error without the file: %v", err)
			}
			return
		}
		defer src.Close()
		for range 10000 {
			row, cells, err := src.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !strings.Contains(err.Error(), "f.xlsx") {
					t.Fatalf("error without the file: %v", err)
				}
				return
			}
			CellProblems(row, cells, nil, 0)
		}
	})
}

// FuzzCheckOneEncoding: any bytes give a line of the file or no error.
func FuzzCheckOneEncoding(f *testing.F) {
	f.Add([]byte("公司\n\xb9\xab\xcb\xbe\n"))
	f.Add([]byte("\xb9\xab\n公司名称\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		line, err := checkOneEncoding(bytes.NewReader(data))
		if err != nil && (line < 1 || line > bytes.Count(data, []byte("\n"))+1) {
			t.Fatalf("line %d of a %d-line file: %v", line, bytes.Count(data, []byte("\n"))+1, err)
		}
	})
}

// BenchmarkCheckSheetXML measures the second reading of a sheet that checkSheetXML costs at
// the end of every pass over a workbook, on the 100,000-row workbook of BenchmarkValidateXLSX.
func BenchmarkCheckSheetXML(b *testing.B) {
	in := b.TempDir() + "/big.xlsx"
	writeBigXLSX(b, in, 100_000)
	b.ResetTimer()
	for b.Loop() {
		if err := checkSheetXML(context.Background(), in, "Sheet1", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckSheetXMLWithDates is BenchmarkCheckSheetXML when the workbook has date formats:
// the same reading also follows each cell's style and hands every row's date-formatted cells
// to the reader (drained here as the reader would).
func BenchmarkCheckSheetXMLWithDates(b *testing.B) {
	in := b.TempDir() + "/big.xlsx"
	writeBigXLSX(b, in, 100_000)
	b.ResetTimer()
	for b.Loop() {
		out := make(chan dateCells, 1024)
		done := make(chan int)
		go func() {
			n := 0
			for d := range out {
				n += len(d.cols)
			}
			done <- n
		}()
		scan := &dateScan{styles: map[int]bool{0: true, 1: true}, out: out, ctx: context.Background()}
		err := checkSheetXML(context.Background(), in, "Sheet1", scan)
		close(out)
		if n := <-done; err != nil || n == 0 {
			b.Fatal(err, n)
		}
	}
}

package xlsxout

import (
	"bytes"
	"strings"
	"testing"
)

// TestDimensionWriterSplitWrites feeds sheet parts in pieces of every size: the dimension is
// replaced wherever the writes cut it, and nothing else changes.
func TestDimensionWriterSplitWrites(t *testing.T) {
	for _, part := range []string{
		`<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1"></dimension><sheetViews/><sheetData><row r="1"></row></sheetData></worksheet>`,
		`<worksheet><dimension ref="A1"/><sheetData></sheetData></worksheet>`,
	} {
		want := strings.Replace(strings.Replace(part, `<dimension ref="A1"></dimension>`, `<dimension ref="A1:C9"/>`, 1), `<dimension ref="A1"/>`, `<dimension ref="A1:C9"/>`, 1)
		for size := 1; size <= len(part); size++ {
			var out bytes.Buffer
			d := &sheetWriter{w: &out, sheetPatch: sheetPatch{dim: []byte(`<dimension ref="A1:C9"/>`)}}
			for i := 0; i < len(part); i += size {
				chunk := part[i:min(i+size, len(part))]
				if n, err := d.Write([]byte(chunk)); err != nil || n != len(chunk) {
					t.Fatalf("size %d: Write = %d, %v", size, n, err)
				}
			}
			if out.String() != want {
				t.Fatalf("size %d: wrote\n%s\nwant\n%s", size, out.String(), want)
			}
		}
	}
}

func TestDimensionWriterWithoutDimension(t *testing.T) {
	d := &sheetWriter{w: &bytes.Buffer{}, sheetPatch: sheetPatch{dim: []byte(`<dimension ref="A1:C9"/>`)}}
	if _, err := d.Write([]byte(`<worksheet><sheetData><row r="1"/></sheetData></worksheet>`)); err == nil {
		t.Error("a sheet part without a dimension was passed through")
	}
}

// TestSheetWriterInsertsBodySplitWrites: the body's rows go in before </sheetData>, wherever
// the writes cut the part, and only once.
func TestSheetWriterInsertsBodySplitWrites(t *testing.T) {
	part := `<worksheet><dimension ref="A1"></dimension><sheetData><row r="1"><c r="A1"/></row></sheetData><autoFilter ref="A1:A3"/></worksheet>`
	body := `<row r="2"></row><row r="3"></row>`
	want := `<worksheet><dimension ref="A1:A3"/><sheetData><row r="1"><c r="A1"/></row>` + body + `</sheetData><autoFilter ref="A1:A3"/></worksheet>`
	for size := 1; size <= len(part); size++ {
		var out bytes.Buffer
		d := &sheetWriter{w: &out, sheetPatch: sheetPatch{dim: []byte(`<dimension ref="A1:A3"/>`), body: strings.NewReader(body)}}
		for i := 0; i < len(part); i += size {
			chunk := part[i:min(i+size, len(part))]
			if n, err := d.Write([]byte(chunk)); err != nil || n != len(chunk) {
				t.Fatalf("size %d: Write = %d, %v", size, n, err)
			}
		}
		if out.String() != want {
			t.Fatalf("size %d: wrote\n%s\nwant\n%s", size, out.String(), want)
		}
	}
}

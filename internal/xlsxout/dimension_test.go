package xlsxout

import (
	"bytes"
	"strings"
	"testing"
)

// TestDimensionWriterSplitWrites feeds sheet parts in pieces of every size: the dimension is
// replaced and the widths put before the data wherever the writes cut them, and nothing else
// changes.
func TestDimensionWriterSplitWrites(t *testing.T) {
	for _, part := range []string{
		`<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1"></dimension><sheetViews/><sheetData><row r="1"></row></sheetData></worksheet>`,
		`<worksheet><dimension ref="A1"/><sheetData></sheetData></worksheet>`,
	} {
		want := strings.Replace(strings.Replace(part, `<dimension ref="A1"></dimension>`, `<dimension ref="A1:C9"/>`, 1), `<dimension ref="A1"/>`, `<dimension ref="A1:C9"/>`, 1)
		cols := colsElement([]float64{10, 10, 0, 12.5})
		wantCols := strings.Replace(want, "<sheetData>", `<cols><col min="1" max="2" width="10" customWidth="1"/><col min="4" max="4" width="12.5" customWidth="1"/></cols><sheetData>`, 1)
		for size := 1; size <= len(part); size++ {
			var out, outCols bytes.Buffer
			d := &sheetWriter{w: &out, sheetPatch: sheetPatch{dim: []byte(`<dimension ref="A1:C9"/>`)}}
			c := &sheetWriter{w: &outCols, sheetPatch: sheetPatch{dim: []byte(`<dimension ref="A1:C9"/>`), cols: cols}}
			for i := 0; i < len(part); i += size {
				chunk := part[i:min(i+size, len(part))]
				for _, w := range []*sheetWriter{d, c} {
					if n, err := w.Write([]byte(chunk)); err != nil || n != len(chunk) {
						t.Fatalf("size %d: Write = %d, %v", size, n, err)
					}
				}
			}
			if out.String() != want {
				t.Fatalf("size %d: wrote\n%s\nwant\n%s", size, out.String(), want)
			}
			if outCols.String() != wantCols {
				t.Fatalf("size %d: with widths wrote\n%s\nwant\n%s", size, outCols.String(), wantCols)
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

func TestColsElement(t *testing.T) {
	for _, tt := range []struct {
		widths []float64
		want   string
	}{
		{nil, ""},
		{[]float64{0, 0}, ""},
		{[]float64{8}, `<cols><col min="1" max="1" width="8" customWidth="1"/></cols>`},
		{[]float64{8, 8, 8, 9, 8}, `<cols><col min="1" max="3" width="8" customWidth="1"/><col min="4" max="4" width="9" customWidth="1"/><col min="5" max="5" width="8" customWidth="1"/></cols>`},
		{[]float64{1000}, `<cols><col min="1" max="1" width="255" customWidth="1"/></cols>`},
	} {
		if got := string(colsElement(tt.widths)); got != tt.want {
			t.Errorf("colsElement(%v) = %s, want %s", tt.widths, got, tt.want)
		}
	}
}

func TestSheetWriterRefusesWidthsTwice(t *testing.T) {
	d := &sheetWriter{w: &bytes.Buffer{}, sheetPatch: sheetPatch{dim: []byte(`<dimension ref="A1"/>`), cols: colsElement([]float64{9})}}
	if _, err := d.Write([]byte(`<worksheet><dimension ref="A1"/><cols><col min="1" max="1" width="3"/></cols><sheetData></sheetData></worksheet>`)); err == nil {
		t.Error("a sheet with widths of its own got a second <cols>")
	}
}

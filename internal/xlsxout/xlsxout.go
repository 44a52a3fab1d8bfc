// Package xlsxout writes an excelize workbook to a file the way every workbook of this module
// is written: the zip streamed to the file (excelize's own WriteTo assembles the whole zip in a
// bytes.Buffer first, so memory would grow with the workbook), each sheet's <dimension>
// saying the cells it holds, and a faster deflate than the standard library's.
//
// The dimension matters to readers that trust it (openpyxl in read-only mode, some BI
// importers): excelize's StreamWriter writes <dimension ref="A1"/> before the first row, when
// the extent is not known, and excelize's other sheets keep the "A1" of its template too, so
// such readers see a sheet of one cell.
//
// A streamed sheet's column widths are written here too, as one <col> element per run of
// columns of the same width: excelize's StreamWriter.SetColWidth merges each new width into
// all the columns set before, so a sheet of thousands of columns took time cubic in them.
package xlsxout

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// Streamed is a sheet written with an excelize StreamWriter, and the extent of what was
// written to it: Rows rows from row 1, Cols columns from column A. Rows may have been
// written outside the StreamWriter: Body, when not nil, holds their <row> elements, which go
// in after the StreamWriter's own rows (they count in Rows). Widths, when not nil, are the
// widths of the columns from A, in characters of the default font (0 leaves a column at the
// default width); the StreamWriter must not have set any itself (SetColWidth).
type Streamed struct {
	Writer     *excelize.StreamWriter
	Rows, Cols int
	Body       io.Reader
	Widths     []float64
}

// colsElement is the <cols> element of widths: one <col> per run of equal widths; nil when
// every width is 0.
func colsElement(widths []float64) []byte {
	var b []byte
	for i := 0; i < len(widths); {
		j := i + 1
		for j < len(widths) && widths[j] == widths[i] {
			j++
		}
		if w := min(widths[i], excelize.MaxColumnWidth); w > 0 {
			b = fmt.Appendf(b, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, j, strconv.FormatFloat(w, 'f', -1, 64))
		}
		i = j
	}
	if b == nil {
		return nil
	}
	return append(append([]byte("<cols>"), b...), "</cols>"...)
}

// Ref is the A1-style range of the extent: "A1:C10"; "A1" for one cell or none.
func Ref(rows, cols int) string {
	if rows <= 1 && cols <= 1 {
		return "A1"
	}
	last, _ := excelize.CoordinatesToCellName(max(cols, 1), max(rows, 1))
	return "A1:" + last
}

// dimensionElement finds the <dimension> element in the start of a sheet part: its start and
// end offsets, or ok false if b does not hold all of it yet. excelize writes it as
// <dimension ref="A1"></dimension>; <dimension ref="A1"/> is read too.
func dimensionElement(b []byte) (start, end int, ok bool) {
	start = bytes.Index(b, []byte("<dimension "))
	if start < 0 {
		return 0, 0, false
	}
	gt := bytes.IndexByte(b[start:], '>')
	if gt < 0 {
		return 0, 0, false
	}
	end = start + gt + 1
	if b[end-2] == '/' {
		return start, end, true
	}
	closing := []byte("</dimension>")
	if !bytes.HasPrefix(b[end:], closing) {
		return 0, 0, false
	}
	return start, end + len(closing), true
}

// Write writes f to w. streamed lists the sheets written with a StreamWriter (already
// flushed); the dimension of every other sheet is taken from its cells.
func Write(w io.Writer, f *excelize.File, streamed ...Streamed) error {
	parts := make(map[string]*sheetPatch, len(streamed))
	names := make([]string, 0, len(streamed))
	for _, s := range streamed {
		// A sheet that excelize creates (NewFile's first, NewSheet's) lives in the part named
		// by its sheet id. Should that ever change, Close reports the sheet it did not find.
		parts[fmt.Sprintf("xl/worksheets/sheet%d.xml", s.Writer.SheetID)] = &sheetPatch{
			dim: []byte(`<dimension ref="` + Ref(s.Rows, s.Cols) + `"/>`), body: s.Body, cols: colsElement(s.Widths)}
		names = append(names, s.Writer.Sheet)
	}
	for _, sheet := range f.GetSheetList() {
		if slices.Contains(names, sheet) {
			continue
		}
		if err := setDimension(f, sheet); err != nil {
			return fmt.Errorf("sheet %q dimension: %w", sheet, err)
		}
	}
	zw := &zipWriter{zw: zip.NewWriter(w), parts: parts}
	zw.zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.DefaultCompression)
	})
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	// WriteTo writes the parts through zw, so what it writes to its own buffer is nothing.
	_, err := f.WriteTo(io.Discard)
	return err
}

// setDimension sets the dimension of a sheet held in memory from the cells that have a value.
func setDimension(f *excelize.File, sheet string) error {
	rows, err := f.GetRows(sheet)
	if err != nil {
		return err
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	return f.SetSheetDimension(sheet, Ref(len(rows), cols))
}

// sheetPatch is what goes into a streamed sheet's part: its dimension, its column widths
// (nil: none) and the rows written outside the StreamWriter.
type sheetPatch struct {
	dim  []byte
	cols []byte
	body io.Reader
}

// zipWriter is the zip writer excelize writes its parts through; it patches each streamed
// sheet's part (see sheetWriter).
type zipWriter struct {
	zw      *zip.Writer
	parts   map[string]*sheetPatch // the streamed sheets' parts not written yet
	patched []*sheetWriter
}

func (z *zipWriter) Create(name string) (io.Writer, error) {
	w, err := z.zw.Create(name)
	if err != nil {
		return nil, err
	}
	if p, ok := z.parts[name]; ok {
		delete(z.parts, name)
		sw := &sheetWriter{w: w, sheetPatch: *p}
		z.patched = append(z.patched, sw)
		return sw, nil
	}
	return w, nil
}

func (z *zipWriter) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

func (z *zipWriter) Close() error {
	if err := z.zw.Close(); err != nil {
		return err
	}
	for name := range z.parts {
		return fmt.Errorf("internal: the workbook has no sheet part %s to set the dimension of", name)
	}
	for _, sw := range z.patched {
		if sw.body != nil {
			return errors.New("internal: a sheet part has no </sheetData> to put its rows before")
		}
	}
	return nil
}

// sheetWriter passes a sheet part through, with the dimension the StreamWriter wrote near its
// start replaced, the column widths put before <sheetData>, and the body's rows inserted
// before </sheetData>. What may hold the start of any is held back until it is whole, so one
// split between two writes is found too.
type sheetWriter struct {
	w io.Writer
	sheetPatch
	head    []byte // before the dimension
	dimDone bool
	tail    []byte // the last bytes passed, which may start </sheetData>
}

// maxHead bounds the bytes held back: the dimension comes right after <worksheet ...>, and
// <sheetData> after the panes and the sheet's format.
const maxHead = 64 << 10

var startSheetData = []byte("<sheetData")

var endSheetData = []byte("</sheetData>")

func (d *sheetWriter) Write(p []byte) (int, error) {
	if d.dimDone {
		return len(p), d.pass(p)
	}
	buf := p
	if len(d.head) > 0 {
		d.head = append(d.head, p...)
		buf = d.head
	}
	data := bytes.Index(buf, startSheetData)
	start, end, ok := dimensionElement(buf)
	if !ok || d.cols != nil && data < 0 {
		if len(buf) > maxHead || !ok && data >= 0 {
			return 0, fmt.Errorf("internal: no <dimension> and <sheetData> in the sheet's first %d bytes", len(buf))
		}
		if len(d.head) == 0 {
			d.head = append(d.head, p...)
		}
		return len(p), nil
	}
	d.dimDone = true
	d.head = nil
	if _, err := d.w.Write(buf[:start]); err != nil {
		return 0, err
	}
	if _, err := d.w.Write(d.dim); err != nil {
		return 0, err
	}
	if d.cols == nil {
		return len(p), d.pass(buf[end:])
	}
	if bytes.Contains(buf[end:data], []byte("<cols")) {
		return 0, errors.New("internal: the sheet has column widths of its own and widths were given")
	}
	if _, err := d.w.Write(buf[end:data]); err != nil {
		return 0, err
	}
	if _, err := d.w.Write(d.cols); err != nil {
		return 0, err
	}
	return len(p), d.pass(buf[data:])
}

// pass writes b, putting the body in before </sheetData>.
func (d *sheetWriter) pass(b []byte) error {
	if d.body == nil {
		_, err := d.w.Write(b)
		return err
	}
	buf := b
	if len(d.tail) > 0 {
		buf = append(d.tail, b...)
	}
	if i := bytes.Index(buf, endSheetData); i >= 0 {
		if _, err := d.w.Write(buf[:i]); err != nil {
			return err
		}
		if _, err := io.Copy(d.w, d.body); err != nil {
			return fmt.Errorf("sheet rows: %w", err)
		}
		d.body, d.tail = nil, nil
		_, err := d.w.Write(buf[i:])
		return err
	}
	keep := min(len(buf), len(endSheetData)-1)
	if _, err := d.w.Write(buf[:len(buf)-keep]); err != nil {
		return err
	}
	d.tail = append(d.tail[:0:0], buf[len(buf)-keep:]...)
	return nil
}

package exporter

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// Column widths, in characters of the default font.
const (
	minColWidth = 8
	maxColWidth = 50
	// widthSample is how many rows of the first sheet are held back to size the columns.
	widthSample = 200
	// maxCellChars is the most characters an Excel cell holds.
	maxCellChars = 32767
)

// xlsxSink streams rows into sheets with excelize's StreamWriter: a frozen, styled header with
// an autofilter, columns sized from the header and the first rows, and a new sheet when one is
// full. Ids, accounts and other text cells carry the text number format (@), so Excel keeps
// their leading zeros and every digit, also when someone edits them.
//
// Text is stored as it is, without the apostrophe that guards a CSV cell against formula
// injection: an xlsx string cell is never a formula, and people and programs reading the file
// would see the apostrophe as part of the value. The one exception keeps the round trip
// exact: a value that itself starts with an apostrophe before a formula character keeps the
// guard (import removes exactly that one apostrophe, whatever the format).
//
// The header row goes through the StreamWriter; the data rows are written by rowXML, byte for
// byte as the StreamWriter would write them, to a scratch file of rows per sheet (beside the
// output, removed by the next run if this one is killed) that xlsxout puts into the sheet's
// part.
type xlsxSink struct {
	out       io.Writer
	outPath   string // the output, beside which the files of rows are kept
	f         *excelize.File
	sw        *excelize.StreamWriter
	baseName  string
	sheetRows int // rows per sheet, header included

	headers []string
	widths  []float64
	sample  [][]mapping.Cell // rows held back until the widths are known
	sized   bool

	sheetCount int
	sheet      string
	rowInSheet int                // rows written to the current sheet, header included
	written    []xlsxout.Streamed // the sheets ended, with their extent

	styleHeader, styleText, styleDate, styleDateTime int

	rows     rowXML
	body     *os.File // the current sheet's data rows
	bodyBuf  *bufio.Writer
	bodies   []*os.File // every sheet's, removed at the end
	line     []byte
	cells    []rowCell // one per column, reused for every row
	rowCells []*rowCell
}

func newXLSXSink(w io.Writer, outPath, baseName string, sheetRows int) (*xlsxSink, error) {
	s := &xlsxSink{out: w, outPath: outPath, f: excelize.NewFile(), baseName: baseName, sheetRows: sheetRows}
	var err error
	style := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = s.f.NewStyle(st)
		return id
	}
	textFmt := "@"
	dateFmt := "yyyy-mm-dd"
	dateTimeFmt := "yyyy-mm-dd hh:mm:ss"
	s.styleHeader = style(&excelize.Style{
		Font:         &excelize.Font{Bold: true},
		Fill:         excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:       []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
		Alignment:    &excelize.Alignment{Vertical: "center"},
		CustomNumFmt: &textFmt,
	})
	s.styleText = style(&excelize.Style{NumFmt: 49}) // 49 is the built-in "@"
	s.styleDate = style(&excelize.Style{CustomNumFmt: &dateFmt})
	s.styleDateTime = style(&excelize.Style{CustomNumFmt: &dateTimeFmt})
	if err != nil {
		s.f.Close()
		return nil, fmt.Errorf("xlsx styles: %w", err)
	}
	return s, nil
}

func (s *xlsxSink) header(headers []string) error {
	s.headers = append([]string(nil), headers...)
	s.widths = make([]float64, len(headers))
	for i, h := range headers {
		s.widths[i] = displayWidth(h) + 2 // room for the filter button
	}
	s.cells = make([]rowCell, len(headers))
	s.rowCells = make([]*rowCell, len(headers))
	return nil
}

func (s *xlsxSink) row(cells []mapping.Cell) error {
	if !s.sized {
		for i, c := range cells {
			if i < len(s.widths) {
				s.widths[i] = max(s.widths[i], displayWidth(c.Text)+1)
			}
		}
		s.sample = append(s.sample, append([]mapping.Cell(nil), cells...))
		if len(s.sample) < widthSample {
			return nil
		}
		return s.flushSample()
	}
	return s.write(cells)
}

// flushSample fixes the widths and writes the rows held back.
func (s *xlsxSink) flushSample() error {
	s.sized = true
	for i := range s.widths {
		s.widths[i] = min(max(s.widths[i], minColWidth), maxColWidth)
	}
	for _, r := range s.sample {
		if err := s.write(r); err != nil {
			return err
		}
	}
	s.sample = nil
	return nil
}

func (s *xlsxSink) write(cells []mapping.Cell) error {
	if s.sw == nil || s.rowInSheet >= s.sheetRows {
		if err := s.nextSheet(); err != nil {
			return err
		}
	}
	s.rowInSheet++
	clear(s.rowCells)
	for i, c := range cells {
		if i >= len(s.rowCells) {
			break
		}
		ok, err := s.cell(&s.cells[i], c)
		if err != nil {
			return fmt.Errorf("sheet %s cell %s%d: %w", s.sheet, mapping.ColumnLetter(i), s.rowInSheet, err)
		}
		if ok {
			s.rowCells[i] = &s.cells[i]
		}
	}
	s.line = s.rows.appendRow(s.line[:0], s.rowInSheet, s.rowCells)
	if _, err := s.bodyBuf.Write(s.line); err != nil {
		return fmt.Errorf("sheet %s row %d: %w", s.sheet, s.rowInSheet, err)
	}
	return nil
}

// cell converts one exported cell into what the stream writer stores; ok is false for an
// empty cell, which is left out.
func (s *xlsxSink) cell(dst *rowCell, c mapping.Cell) (ok bool, err error) {
	if c.Text == "" {
		return false, nil
	}
	switch c.Kind {
	case mapping.CellNumber:
		if f, err := strconv.ParseFloat(c.Text, 64); err == nil {
			*dst = rowCell{kind: cellNumber, num: f}
			return true, nil
		}
	case mapping.CellDate:
		*dst = rowCell{kind: cellTime, style: s.styleDate, time: c.Time}
		return true, nil
	case mapping.CellDateTime:
		*dst = rowCell{kind: cellTime, style: s.styleDateTime, time: c.Time}
		return true, nil
	}
	text := xlsxText(c.Text)
	if len(text) > maxCellChars { // bytes bound characters: count them only when it may matter
		if n := utf8.RuneCountInString(text); n > maxCellChars {
			return false, fmt.Errorf("%d characters, more than an Excel cell holds (%d); export to .csv instead", n, maxCellChars)
		}
	}
	*dst = rowCell{kind: cellText, style: s.styleText, text: text}
	return true, nil
}

// xlsxText is a text cell's value for xlsx: the formula guard of mapping.EscapeFormula taken
// off again, unless the value itself starts with an apostrophe (then import, which removes
// one guarding apostrophe from every text cell, needs it to give the value back).
func xlsxText(escaped string) string {
	raw := mapping.UnescapeFormula(escaped)
	if raw != escaped && raw[0] != '\'' {
		return raw
	}
	return escaped
}

// nextSheet ends the current sheet and starts the next: 公司, 公司 2, 公司 3, ...
func (s *xlsxSink) nextSheet() error {
	if err := s.endSheet(); err != nil {
		return err
	}
	s.sheetCount++
	name := s.baseName
	if s.sheetCount == 1 {
		if err := s.f.SetSheetName("Sheet1", name); err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", name, err)
		}
	} else {
		name = fmt.Sprintf("%s %d", s.baseName, s.sheetCount)
		if _, err := s.f.NewSheet(name); err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", name, err)
		}
	}
	sw, err := s.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("xlsx sheet %q: %w", name, err)
	}
	// The widths go with the sheet when it is written (endSheet, xlsxout): excelize's
	// SetColWidth, one column at a time, is cubic in the columns.
	s.sw, s.sheet, s.rowInSheet = sw, name, 0
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx sheet %q: freeze header: %w", name, err)
	}
	head := make([]any, len(s.headers))
	for i, h := range s.headers {
		head[i] = excelize.Cell{StyleID: s.styleHeader, Value: h}
	}
	s.rowInSheet = 1
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 20}); err != nil {
		return fmt.Errorf("xlsx sheet %q header: %w", name, err)
	}
	if s.body, err = atomicfile.CreateScratch(s.outPath, "rows"); err != nil {
		return fmt.Errorf("xlsx sheet %q: %w", name, err)
	}
	s.bodies = append(s.bodies, s.body)
	s.bodyBuf = bufio.NewWriterSize(s.body, 256<<10)
	return nil
}

// endSheet puts an autofilter over the rows written and flushes the sheet.
func (s *xlsxSink) endSheet() error {
	if s.sw == nil {
		return nil
	}
	last, _ := excelize.CoordinatesToCellName(max(len(s.headers), 1), max(s.rowInSheet, 1))
	if err := s.f.AutoFilter(s.sheet, "A1:"+last, nil); err != nil {
		return fmt.Errorf("xlsx sheet %q autofilter: %w", s.sheet, err)
	}
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx sheet %q: %w", s.sheet, err)
	}
	if err := s.bodyBuf.Flush(); err != nil {
		return fmt.Errorf("xlsx sheet %q rows: %w", s.sheet, err)
	}
	if _, err := s.body.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("xlsx sheet %q rows: %w", s.sheet, err)
	}
	s.written = append(s.written, xlsxout.Streamed{Writer: s.sw, Rows: s.rowInSheet, Cols: len(s.headers),
		Body: bufio.NewReaderSize(s.body, 256<<10), Widths: s.widths})
	s.sw = nil
	return nil
}

func (s *xlsxSink) finish() error {
	if !s.sized {
		if err := s.flushSample(); err != nil {
			return err
		}
	}
	if s.sw == nil && s.sheetCount == 0 {
		if err := s.nextSheet(); err != nil { // an empty export still has its header
			return err
		}
	}
	if err := s.endSheet(); err != nil {
		return err
	}
	if err := xlsxout.Write(s.out, s.f, s.written...); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	s.removeBodies()
	return s.f.Close()
}

func (s *xlsxSink) abort() {
	s.removeBodies()
	s.f.Close()
}

// removeBodies removes the files of rows.
func (s *xlsxSink) removeBodies() {
	for _, f := range s.bodies {
		f.Close()
		os.Remove(f.Name())
	}
	s.bodies = nil
}
func (s *xlsxSink) sheets() int { return s.sheetCount }

// displayWidth estimates how wide s shows: wide (CJK) characters take two columns.
func displayWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x1100 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

package exporter

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

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
type xlsxSink struct {
	out       io.Writer
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
	rowInSheet int // rows written to the current sheet, header included

	styleHeader, styleText, styleDate, styleDateTime int
	values                                           []any
}

func newXLSXSink(w io.Writer, baseName string, sheetRows int) (*xlsxSink, error) {
	s := &xlsxSink{out: w, f: excelize.NewFile(), baseName: baseName, sheetRows: sheetRows}
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
	s.values = make([]any, len(headers))
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
	clear(s.values)
	for i, c := range cells {
		if i >= len(s.values) {
			break
		}
		v, err := s.cell(c)
		if err != nil {
			return fmt.Errorf("sheet %s cell %s%d: %w", s.sheet, mapping.ColumnLetter(i), s.rowInSheet, err)
		}
		s.values[i] = v
	}
	ref, _ := excelize.CoordinatesToCellName(1, s.rowInSheet)
	if err := s.sw.SetRow(ref, s.values); err != nil {
		return fmt.Errorf("sheet %s row %d: %w", s.sheet, s.rowInSheet, err)
	}
	return nil
}

// cell converts one exported cell to what the stream writer stores.
func (s *xlsxSink) cell(c mapping.Cell) (any, error) {
	if c.Text == "" {
		return nil, nil
	}
	switch c.Kind {
	case mapping.CellNumber:
		if f, err := strconv.ParseFloat(c.Text, 64); err == nil {
			return excelize.Cell{Value: f}, nil
		}
	case mapping.CellDate:
		return excelize.Cell{StyleID: s.styleDate, Value: c.Time}, nil
	case mapping.CellDateTime:
		return excelize.Cell{StyleID: s.styleDateTime, Value: c.Time}, nil
	}
	if n := utf8.RuneCountInString(c.Text); n > maxCellChars {
		return nil, fmt.Errorf("%d characters, more than an Excel cell holds (%d); export to .csv instead", n, maxCellChars)
	}
	return excelize.Cell{StyleID: s.styleText, Value: c.Text}, nil
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
	s.sw, s.sheet, s.rowInSheet = sw, name, 0
	for i, w := range s.widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("xlsx sheet %q column widths: %w", name, err)
		}
	}
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
	// excelize's WriteTo assembles the whole zip in a bytes.Buffer before writing it, so memory
	// would grow with the export; a zip writer of our own streams the parts to the file
	// instead, and the buffer excelize writes afterwards stays empty.
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(s.out) })
	if _, err := s.f.WriteTo(io.Discard); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return s.f.Close()
}

func (s *xlsxSink) abort()      { s.f.Close() }
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

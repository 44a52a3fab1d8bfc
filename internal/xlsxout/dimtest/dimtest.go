// Package dimtest reads a workbook back as readers that trust the sheet's <dimension> do, for
// tests: it parses each worksheet part of the zip and compares the declared dimension with
// the cells the sheet really holds.
package dimtest

import (
	"archive/zip"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Sheet is what one worksheet part declares and holds.
type Sheet struct {
	Part      string // xl/worksheets/sheet1.xml
	Dimension string // the <dimension ref>, "" if none
	Rows      int    // the last row that has a cell
	Cols      int    // the last column that has a cell
}

// Held is the range of the cells the sheet holds, as a dimension would say it.
func (s Sheet) Held() string {
	if s.Rows <= 1 && s.Cols <= 1 {
		return "A1"
	}
	last, _ := excelize.CoordinatesToCellName(max(s.Cols, 1), max(s.Rows, 1))
	return "A1:" + last
}

// Read parses every worksheet part of the workbook at path, sheet1.xml first.
func Read(path string) ([]Sheet, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var sheets []Sheet
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") || !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		s, err := readSheet(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		s.Part = f.Name
		sheets = append(sheets, s)
	}
	if len(sheets) == 0 {
		return nil, errors.New("no worksheet in the workbook")
	}
	// In the order of their part names' numbers: sheet1, sheet2, ..., sheet10.
	slices.SortFunc(sheets, func(a, b Sheet) int {
		return cmp.Or(cmp.Compare(len(a.Part), len(b.Part)), strings.Compare(a.Part, b.Part))
	})
	return sheets, nil
}

func readSheet(r io.Reader) (Sheet, error) {
	var s Sheet
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return s, err
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "dimension":
			s.Dimension = attr(el, "ref")
		case "c":
			col, row, err := excelize.CellNameToCoordinates(attr(el, "r"))
			if err != nil {
				return s, fmt.Errorf("cell %q: %w", attr(el, "r"), err)
			}
			s.Rows, s.Cols = max(s.Rows, row), max(s.Cols, col)
		}
	}
}

func attr(el xml.StartElement, name string) string {
	for _, a := range el.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// Check fails t unless every sheet of the workbook at path declares the dimension of the cells
// it holds, and returns the sheets.
func Check(t testing.TB, path string) []Sheet {
	t.Helper()
	sheets, err := Read(path)
	if err != nil {
		t.Fatalf("read the dimensions of %s: %v", path, err)
	}
	for _, s := range sheets {
		if s.Dimension != s.Held() {
			t.Errorf("%s %s: <dimension ref=%q>, but its cells span %s", path, s.Part, s.Dimension, s.Held())
		}
	}
	return sheets
}

package sheet

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// sheetCheck runs checkSheetXML beside the reading of the rows, on the other core, so that
// the second reading costs CPU but little time; its answer is needed when the rows run out.
//
// When the workbook has date formats, the same reading also tells, row by row, which number
// cells carry one (excelize's raw values do not say): dates gets every row, in order, and is
// closed at the end.
type sheetCheck struct {
	done   chan struct{}
	err    error
	cancel context.CancelFunc
	dates  chan dateCells // nil when the workbook has no date format
}

// dateCells are the 0-based columns of a row's number cells whose format is a date.
type dateCells struct {
	row  int
	cols []int
}

func startSheetCheck(file, sheet string, dateStyles map[int]bool) *sheetCheck {
	ctx, cancel := context.WithCancel(context.Background())
	c := &sheetCheck{done: make(chan struct{}), cancel: cancel}
	var scan *dateScan
	if len(dateStyles) > 0 {
		c.dates = make(chan dateCells, 1024)
		scan = &dateScan{styles: dateStyles, out: c.dates, ctx: ctx}
	}
	go func() {
		defer close(c.done)
		if scan != nil {
			defer close(c.dates)
		}
		c.err = checkSheetXML(ctx, file, sheet, scan)
	}()
	return c
}

// dateScan follows the rows and cells of the sheet's XML as checkSheetXML reads it.
type dateScan struct {
	styles map[int]bool
	out    chan<- dateCells
	ctx    context.Context
	row    int
	col    int
	cur    []int
}

// token takes one token of the sheet's XML; false means the reading was cancelled.
func (d *dateScan) token(tok xml.Token) bool {
	switch t := tok.(type) {
	case xml.StartElement:
		switch t.Name.Local {
		case "row":
			n := d.row + 1
			if r := attr(t, "r"); r != "" {
				if v, err := strconv.Atoi(r); err == nil {
					n = v
				}
			}
			d.row, d.col, d.cur = n, 0, nil
		case "c":
			col := d.col + 1
			if r := attr(t, "r"); r != "" {
				if c, _, err := excelize.CellNameToCoordinates(r); err == nil {
					col = c
				}
			}
			d.col = col
			if typ := attr(t, "t"); typ != "" && typ != "n" {
				return true
			}
			style := 0 // a cell without s has the workbook's first style
			if v := attr(t, "s"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					return true
				}
				style = n
			}
			if d.styles[style] {
				d.cur = append(d.cur, col-1)
			}
		}
	case xml.EndElement:
		if t.Name.Local == "row" {
			select {
			case d.out <- dateCells{row: d.row, cols: d.cur}:
			case <-d.ctx.Done():
				return false
			}
		}
	}
	return true
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// wait returns the check's answer once it has one.
func (c *sheetCheck) wait() error {
	<-c.done
	return c.err
}

// stop ends the check early (the source is closed before its end) and waits for it.
func (c *sheetCheck) stop() {
	c.cancel()
	<-c.done
}

// checkSheetXML reads the XML of sheet in the workbook at file once more, only to find a
// syntax error: excelize's row iterator ends a sheet at the first one without a word, so a
// workbook broken after row 100 would look like one of 100 rows. nil means the sheet is whole
// (or ctx was cancelled).
func checkSheetXML(ctx context.Context, file, sheet string, dates *dateScan) error {
	z, err := zip.OpenReader(file)
	if err != nil {
		return fmt.Errorf("reading the workbook again: %w", err)
	}
	defer z.Close()
	part, err := sheetPart(&z.Reader, sheet)
	if err != nil {
		return err
	}
	for _, f := range z.File {
		if strings.TrimPrefix(f.Name, "/") != part {
			continue
		}
		r, err := f.Open()
		if err != nil {
			return fmt.Errorf("unpacking %s: %w", part, err)
		}
		defer r.Close()
		d := xml.NewDecoder(r)
		for n := 0; ; n++ {
			if n%4096 == 0 && ctx.Err() != nil {
				return nil
			}
			tok, err := d.RawToken()
			if err == io.EOF {
				return nil
			}
			if dates != nil && err == nil && !dates.token(tok) {
				return nil
			}
			if err != nil {
				var se *xml.SyntaxError
				if errors.As(err, &se) {
					return fmt.Errorf("the sheet's XML (%s) is broken at its line %d: %v; this row and those after it cannot be read", part, se.Line, se.Msg)
				}
				return fmt.Errorf("the sheet (%s) cannot be unpacked: %v; this row and those after it cannot be read", part, err)
			}
		}
	}
	return fmt.Errorf("the workbook has no part %s for sheet %q", part, sheet)
}

// sheetPart finds the zip path of a sheet's XML through xl/workbook.xml and its relations.
func sheetPart(z *zip.Reader, sheet string) (string, error) {
	parts, err := sheetParts(z)
	if err != nil {
		return "", err
	}
	for part, name := range parts {
		if name == sheet {
			return part, nil
		}
	}
	return "", fmt.Errorf("the workbook names no part for sheet %q", sheet)
}

// sheetParts maps the zip path of each sheet's XML to the sheet's name, as xl/workbook.xml
// and its relations say.
func sheetParts(z *zip.Reader) (map[string]string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(z, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if err := decodePart(z, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	parts := map[string]string{}
	for _, s := range wb.Sheets {
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				target := path.Join("xl", r.Target)
				if strings.HasPrefix(r.Target, "/") {
					target = strings.TrimPrefix(r.Target, "/")
				}
				parts[target] = s.Name
			}
		}
	}
	return parts, nil
}

// decodePart decodes a small XML part of the workbook (at most 16 MiB of it).
func decodePart(z *zip.Reader, name string, v any) error {
	for _, f := range z.File {
		if !strings.EqualFold(strings.TrimPrefix(f.Name, "/"), name) {
			continue
		}
		r, err := f.Open()
		if err != nil {
			return fmt.Errorf("unpacking %s: %w", name, err)
		}
		defer r.Close()
		if err := xml.NewDecoder(io.LimitReader(r, 16<<20)).Decode(v); err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("the workbook has no %s", name)
}

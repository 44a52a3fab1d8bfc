package samples

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

var update = flag.Bool("update", false, "rebuild the sample spreadsheets")

// sampleSize is the number of companies in companies.xlsx and companies.csv.
const sampleSize = 50

// TestGenerate rebuilds the sample spreadsheets with -update; without it, it checks that the
// committed files hold what the generator makes.
func TestGenerate(t *testing.T) {
	m, err := mapping.Load("mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"companies.xlsx": buildXLSX(t, m, sampleCompanies(sampleSize)),
		"companies.csv":  buildCSV(t, m, sampleCompanies(sampleSize)),
		"broken.xlsx":    buildXLSX(t, m, brokenCompanies()),
	}
	for name, want := range files {
		if *update {
			if err := os.WriteFile(name, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (rebuild with: go test ./samples -run TestGenerate -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the generator makes: rebuild with go test ./samples -run TestGenerate -update", name)
		}
	}
}

// cellValue is what a person would have typed into the cell of column c: dates as dates,
// amounts and group numbers as numbers, everything else as text.
func cellValue(c *mapping.Column, v string) any {
	if v == "" {
		return nil
	}
	switch c.Type {
	case mapping.TypeDate:
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			return d
		}
	case mapping.TypeDecimal:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case mapping.TypeInt:
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return mapping.EscapeFormula(v)
}

// fixedTime stamps the workbook's properties, so that a rebuild gives the same bytes.
const fixedTime = "2024-06-01T00:00:00Z"

func buildXLSX(t *testing.T, m *mapping.Mapping, rows []sampleCompany) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := m.Sheet
	must(t, f.SetSheetName(f.GetSheetName(0), sheet))
	must(t, f.SetDocProps(&excelize.DocProperties{Creator: "bangwo8-etl samples", Created: fixedTime, Modified: fixedTime}))
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	must(t, err)
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	must(t, err)
	money, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	must(t, err)
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // @
	must(t, err)
	for i, c := range m.Columns {
		col := mapping.ColumnLetter(i)
		must(t, f.SetCellValue(sheet, col+"1", c.Header))
		must(t, f.SetCellStyle(sheet, col+"1", col+"1", bold))
		width := 12.0
		switch c.Field {
		case "companyName", "address", "serveNote", "userURL":
			width = 28
		}
		must(t, f.SetColWidth(sheet, col, col, width))
	}
	for r, row := range rows {
		for i, c := range m.Columns {
			cell := fmt.Sprintf("%s%d", mapping.ColumnLetter(i), r+2)
			must(t, f.SetCellValue(sheet, cell, cellValue(c, row[c.Field])))
			switch c.Type {
			case mapping.TypeDate:
				must(t, f.SetCellStyle(sheet, cell, cell, date))
			case mapping.TypeDecimal:
				must(t, f.SetCellStyle(sheet, cell, cell, money))
			case mapping.TypeText:
				must(t, f.SetCellStyle(sheet, cell, cell, text))
			}
		}
	}
	must(t, f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
	var buf bytes.Buffer
	if err := xlsxout.Write(&buf, f); err != nil { // as every workbook of the project: true dimensions
		t.Fatal(err)
	}
	return buf.Bytes()
}

// buildCSV writes the rows as Excel saves "CSV UTF-8": a byte order mark, then CRLF lines.
func buildCSV(t *testing.T, m *mapping.Mapping, rows []sampleCompany) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	must(t, w.Write(m.Headers()))
	for _, row := range rows {
		cells := make([]string, len(m.Columns))
		for i, c := range m.Columns {
			cells[i] = mapping.EscapeFormula(row[c.Field])
		}
		must(t, w.Write(cells))
	}
	w.Flush()
	must(t, w.Error())
	return buf.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
	"github.com/bangwo8-etl/bangwo8-etl/internal/atomicfile"
	"github.com/bangwo8-etl/bangwo8-etl/internal/xlsxout"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// maxComments bounds the comments of one report: each costs memory until the report is
// written, and nobody reads a hundred thousand of them.
const maxComments = 20000

// XLSX is the workbook report, made for the people who fix the rows, in Excel or WPS: its
// first sheet holds the input's rows as they were, with the input's header, so that after
// fixing the red cells the report itself can be imported with the same mapping. The rows to fix
// (invalid, failed) come first; the others follow in file order. Three columns are added
// after the input's: the status word, what is wrong, and the input row. Their headers are in
// 【】 so that no mapping uses them, and the importer ignores them (with a warning). A second
// sheet says how to use the report and counts the rows by status. The one cell changed from
// the input is an empty company id of a row the run created: it gets the new id.
//
// Each bad cell is filled red and carries a comment saying what is wrong and what would be
// right (lang.Explain), up to maxComments; past that the problems column still says it all.
type XLSX struct {
	path     string
	l        lang.Lang
	file     *excelize.File
	sw       *excelize.StreamWriter
	sheet    string
	widths   []float64         // the report's column widths, written with the sheet
	keep     []int             // the input's columns the report shows, by index
	byIndex  []*mapping.Column // the mapping's column of each input column; nil if none
	byHeader map[string]*mapping.Column
	next     int // the next sheet row
	comments int
	counts   map[Action]int
	order    []Action

	spool    *os.File // rows that need no fixing, written after the others
	spoolBuf *bufio.Writer
	spoolEnc *json.Encoder

	style struct{ header, extra, bad, date, dateTime, statusBad, statusOK, problems int }
}

// spooled is a row kept in the spool until the rows to fix are written.
type spooled struct {
	Row     int      `json:"r"`
	Action  Action   `json:"a"`
	UID     string   `json:"u,omitempty"`
	Changed string   `json:"c,omitempty"`
	Error   string   `json:"e,omitempty"`
	Note    string   `json:"n,omitempty"`
	Plan    string   `json:"p,omitempty"`
	Cells   []string `json:"v"`
}

// NewXLSX starts a workbook report that becomes path on Close. It shows the rows of
// o.Input, read with o.Mapping, in the sheet the mapping names (else the input's).
func NewXLSX(path string, o Options) (*XLSX, error) {
	m, l, header := o.Mapping, o.Lang, o.Input.Header
	r := &XLSX{path: path, l: l,
		byHeader: map[string]*mapping.Column{}, counts: map[Action]int{}, next: 2}
	for _, c := range m.Columns {
		r.byHeader[c.Header] = c
	}
	r.byIndex = make([]*mapping.Column, len(header))
	for i, h := range header {
		for _, c := range m.Columns {
			if sameHeader(h, c.Header) {
				r.byIndex[i] = c
			}
		}
	}
	r.sheet = m.Sheet
	if r.sheet == "" {
		r.sheet = o.Input.Sheet
	}
	if r.sheet == "" {
		r.sheet = l.Pick("公司", "Companies")
	}
	if err := r.open(header); err != nil {
		r.Abort()
		return nil, fmt.Errorf("report %s: %w", path, err)
	}
	return r, nil
}

func (r *XLSX) open(header []string) error {
	r.file = excelize.NewFile()
	f := r.file
	if err := f.SetSheetName(f.GetSheetName(0), r.sheet); err != nil {
		return err
	}
	var err error
	newStyle := func(s *excelize.Style) int {
		id, e := f.NewStyle(s)
		if err == nil {
			err = e
		}
		return id
	}
	fill := func(color string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	}
	dateFmt := "yyyy-mm-dd"
	r.style.header = newStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill("DDEBF7")})
	r.style.extra = newStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill("D9D9D9")})
	r.style.bad = newStyle(&excelize.Style{Fill: fill("FF9999"), Font: &excelize.Font{Color: "9C0006"}})
	r.style.date = newStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	dateTimeFmt := "yyyy-mm-dd hh:mm:ss"
	r.style.dateTime = newStyle(&excelize.Style{CustomNumFmt: &dateTimeFmt})
	r.style.statusBad = newStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	r.style.statusOK = newStyle(&excelize.Style{Font: &excelize.Font{Color: "006100"}})
	r.style.problems = newStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true}})
	if err != nil {
		return err
	}
	if r.sw, err = f.NewStreamWriter(r.sheet); err != nil {
		return err
	}
	// The input's columns, less the ones an earlier report added (a report of a report would
	// have them twice).
	for i, h := range header {
		if !isReportHeader(h) {
			r.keep = append(r.keep, i)
		}
	}
	// The widths are written with the sheet (xlsxout: one setting per run of columns, not one
	// per column, which excelize makes cubic in the columns); panes go before the first row,
	// as the stream writer requires.
	if len(r.keep) > maxInputColumns {
		return fmt.Errorf("the sheet has %d columns and the report adds %d: more than the %d a sheet holds; write a CSV report instead", len(r.keep), reportColumns, excelize.MaxColumns)
	}
	r.widths = make([]float64, 0, len(r.keep)+2)
	for _, i := range r.keep {
		r.widths = append(r.widths, columnWidth(header[i], r.byIndex[i]))
	}
	r.widths = append(r.widths, 12, problemsWidth)
	landscape := "landscape"
	if err := f.SetPageLayout(r.sheet, &excelize.PageLayoutOptions{Orientation: &landscape}); err != nil {
		return err
	}
	if err := r.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := make([]any, 0, len(r.keep)+3)
	for _, i := range r.keep {
		row = append(row, excelize.Cell{StyleID: r.style.header, Value: header[i]})
	}
	for _, h := range []string{r.l.ReportStatusHeader(), r.l.ReportProblemHeader(), r.l.ReportRowHeader()} {
		row = append(row, excelize.Cell{StyleID: r.style.extra, Value: h})
	}
	if err := r.sw.SetRow("A1", row); err != nil {
		return err
	}
	if r.spool, err = atomicfile.CreateScratch(r.path, "spool"); err != nil {
		return err
	}
	r.spoolBuf = bufio.NewWriter(r.spool)
	r.spoolEnc = json.NewEncoder(r.spoolBuf)
	return nil
}

// Write adds row: at once when it needs fixing, else to a spool beside the report, written
// after the rows to fix by Close.
func (r *XLSX) Write(row Row) error {
	if _, seen := r.counts[row.Action]; !seen {
		r.order = append(r.order, row.Action)
	}
	r.counts[row.Action]++
	if row.Action.NeedsFixing() {
		return r.writeRow(row)
	}
	err := r.spoolEnc.Encode(spooled{Row: row.Row, Action: row.Action, UID: row.UID, Changed: row.Changed, Error: row.Error, Note: row.Note, Plan: row.Plan, Cells: row.Cells})
	if err != nil {
		return fmt.Errorf("report %s: %w", r.path, err)
	}
	return nil
}

// writeRow writes one row of the report: the input's cells, the bad ones red with a comment,
// then the status, the problems and the input row number.
func (r *XLSX) writeRow(row Row) error {
	bad := map[int][]mapping.Problem{}
	var explained []string
	for _, p := range row.Problems {
		if p.Severity != mapping.Error {
			continue
		}
		c := r.column(p)
		text := r.l.Explain(p, c)
		if p.Header != "" {
			text = p.Header + r.l.Pick("：", ": ") + text
		}
		explained = append(explained, text)
		if p.Column >= 0 {
			bad[p.Column] = append(bad[p.Column], p)
		}
	}
	// Cells past the header's last column are left out: no column reads them.
	vals := make([]any, 0, len(r.keep)+3)
	for out, i := range r.keep {
		cell := ""
		if i < len(row.Cells) && !r.secret(i) {
			cell = row.Cells[i]
		}
		if cell == "" && row.UID != "" && r.isUID(i) {
			// A company this run created: its new id, so that importing the report again
			// finds it instead of creating it twice, whatever the mapping matches by.
			cell = row.UID
		}
		if problems, ok := bad[i]; ok {
			vals = append(vals, excelize.Cell{StyleID: r.style.bad, Value: cell})
			if err := r.comment(out, problems); err != nil {
				return err
			}
			continue
		}
		vals = append(vals, r.value(i, cell))
	}
	status := r.style.statusOK
	if row.Action.NeedsFixing() {
		status = r.style.statusBad
	}
	problems := r.explainRow(row, explained)
	vals = append(vals,
		excelize.Cell{StyleID: status, Value: r.l.Status(string(row.Action))},
		excelize.Cell{StyleID: r.style.problems, Value: problems},
		row.Row)
	cell, _ := excelize.CoordinatesToCellName(1, r.next)
	r.next++
	var opts []excelize.RowOpts
	if lines := wrappedLines(problems); lines > 1 {
		// Excel does not grow a row for wrapped text by itself: give it the height.
		opts = append(opts, excelize.RowOpts{Height: min(15*float64(lines)+2, 409)})
	}
	if err := r.sw.SetRow(cell, vals, opts...); err != nil {
		return fmt.Errorf("report %s: %w", r.path, err)
	}
	return nil
}

// explainRow is the problems column: the problems of an invalid row, the error of a failed
// one, or what a write did.
func (r *XLSX) explainRow(row Row, explained []string) string {
	switch {
	case len(explained) > 0:
		return strings.Join(explained, "\n")
	case row.Error != "":
		return row.Error
	case row.Plan != "":
		return row.Plan // names the company and old -> new of each field; has the note
	case row.Note != "":
		return row.Note
	case row.Changed != "":
		return r.l.Pick("修改的字段：", "changed: ") + row.Changed
	}
	return ""
}

// sameHeader compares headers loosely, as the importer finds its match column: a byte order
// mark, surrounding spaces and case do not count.
func sameHeader(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(a, "\uFEFF")), strings.TrimSpace(b))
}

// isReportHeader reports whether h is a column a report adds, in either language.
func isReportHeader(h string) bool {
	h = strings.TrimSpace(h)
	for _, l := range []lang.Lang{lang.Chinese, lang.English} {
		if h == l.ReportStatusHeader() || h == l.ReportProblemHeader() || h == l.ReportRowHeader() {
			return true
		}
	}
	return false
}

// secret reports whether input column i holds passwords, which a report never repeats: the
// cell is left empty, which on import keeps the password (with empty: keep) or clears it.
func (r *XLSX) secret(i int) bool {
	return i < len(r.byIndex) && r.byIndex[i] != nil && r.byIndex[i].Field == "servicepassword"
}

// reportColumns are the columns a report adds to the input's: status, problems, row.
const reportColumns = 3

// maxInputColumns is the most columns of the input a workbook report shows.
const maxInputColumns = excelize.MaxColumns - reportColumns

// problemsWidth is the width of the problems column, in characters of the default font.
const problemsWidth = 70

// wrappedLines estimates the lines text takes in the problems column: a Chinese character is
// about 1.6 characters of the default font wide (measured on LibreOffice's rendering).
func wrappedLines(text string) int {
	lines := 0
	for _, line := range strings.Split(text, "\n") {
		w := 0.0
		for _, c := range line {
			w++
			if c >= 0x2E80 {
				w += 0.6
			}
		}
		lines += max(1, int(math.Ceil(w/problemsWidth)))
	}
	return lines
}

// columnWidth fits a header, with room for the fields that hold long text.
func columnWidth(header string, c *mapping.Column) float64 {
	w := 2.2*float64(len([]rune(header))) + 3
	if c != nil {
		switch c.Field {
		case "companyName", "address", "serveNote", "userURL":
			w = max(w, 28)
		}
		if c.Type == mapping.TypeDate {
			w = max(w, 12)
		}
	}
	return min(max(w, 10), 40)
}

// isUID reports whether input column i is the company id.
func (r *XLSX) isUID(i int) bool {
	return i < len(r.byIndex) && r.byIndex[i] != nil && r.byIndex[i].Is(field.UID)
}

// column finds the mapping's column of a problem.
func (r *XLSX) column(p mapping.Problem) *mapping.Column {
	if c, ok := r.byHeader[p.Header]; ok {
		return c
	}
	if p.Column >= 0 && p.Column < len(r.byIndex) {
		return r.byIndex[p.Column]
	}
	return nil
}

func (r *XLSX) comment(col int, problems []mapping.Problem) error {
	if r.comments >= maxComments {
		return nil
	}
	r.comments++
	var lines []string
	for _, p := range problems {
		lines = append(lines, r.l.Explain(p, r.column(p)))
	}
	cell, _ := excelize.CoordinatesToCellName(col+1, r.next)
	text := strings.Join(lines, "\n")
	err := r.file.AddComment(r.sheet, excelize.Comment{Cell: cell, Author: "bangwo8-etl", Text: text,
		Width: 300, Height: uint(40 + 20*(len([]rune(text))/18+len(lines)))})
	if err != nil {
		return fmt.Errorf("report %s: %w", r.path, err)
	}
	return nil
}

// value is a good cell as a spreadsheet would hold it, so that the report shows what the
// input showed and a report of the report is the same: a date the date column accepts as a
// real date with a format that displays it (the reader gives a date-formatted cell as its date
// text), a number of a number column as a number, anything else as the text it was.
func (r *XLSX) value(i int, cell string) any {
	if cell == "" || i >= len(r.byIndex) || r.byIndex[i] == nil {
		return cell
	}
	switch typ := r.byIndex[i].Type; typ {
	case mapping.TypeDate, mapping.TypeDateTime:
		if t, ok := mapping.ParseDateText(cell); ok {
			style := r.style.date
			if typ == mapping.TypeDateTime || t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
				style = r.style.dateTime
			}
			return excelize.Cell{StyleID: style, Value: t}
		}
	case mapping.TypeInt, mapping.TypeDecimal:
		if exactNumber(cell) {
			if f, err := strconv.ParseFloat(cell, 64); err == nil {
				return f
			}
		}
	}
	return cell
}

// exactNumber reports whether a number cell holds the text exactly, so that writing it as a
// number changes nothing a person sees: at most 15 digits, no leading zero (0 and 0.5 are
// fine, 007 is not), no sign but a minus, no exponent, no trailing zero after a point.
func exactNumber(s string) bool {
	digits := strings.TrimPrefix(s, "-")
	whole, frac, hasPoint := strings.Cut(digits, ".")
	if whole == "" || len(whole)+len(frac) > 15 || len(whole) > 1 && whole[0] == '0' ||
		hasPoint && (frac == "" || strings.HasSuffix(frac, "0")) {
		return false
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

// Close writes the spooled rows and the notes sheet, and puts the workbook in place.
func (r *XLSX) Close() error {
	defer r.file.Close()
	err := r.appendSpooled()
	if err == nil {
		err = r.sw.Flush()
	}
	if err == nil {
		err = r.writeNotes()
	}
	if err != nil {
		r.Abort()
		return fmt.Errorf("report %s: %w", r.path, err)
	}
	tmp, err := atomicfile.Create(r.path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	rows := xlsxout.Streamed{Writer: r.sw, Rows: r.next - 1, Cols: len(r.keep) + 3, Widths: r.widths}
	return commit(tmp, xlsxout.Write(tmp, r.file, rows))
}

// appendSpooled writes the rows that need no fixing after the others.
func (r *XLSX) appendSpooled() error {
	defer r.removeSpool()
	if err := r.spoolBuf.Flush(); err != nil {
		return err
	}
	if _, err := r.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReader(r.spool))
	for {
		var s spooled
		if err := dec.Decode(&s); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := r.writeRow(Row{Row: s.Row, Action: s.Action, UID: s.UID, Changed: s.Changed, Error: s.Error, Note: s.Note, Plan: s.Plan, Cells: s.Cells}); err != nil {
			return err
		}
	}
}

// writeNotes adds the second sheet: how to use the report, and the rows by status.
func (r *XLSX) writeNotes() error {
	f, sheet := r.file, r.l.Pick("说明", "About")
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	lines := []string{
		r.l.Pick("这份报告怎么用", "How to use this report"),
		r.l.Pick("1. 第一个工作表是导入的表格，需要修改的行（有错误、失败）排在最前面。", "1. The first sheet holds the rows of the input; the rows to fix (invalid, failed) come first."),
		r.l.Pick("2. 标红的单元格有错误，鼠标移到单元格上可以看到批注：哪里错了、应该怎么写。", "2. Red cells are wrong: their comment says what is wrong and what would be right."),
		r.l.Pick("3. 改好后，用同一个映射文件直接导入这个文件；【】括起来的列会被忽略。", "3. Fix them, then import this file with the same mapping; the columns in 【】 are ignored."),
		r.l.Pick("4. 密码不会复制到报告里：密码列是空的。", "4. Passwords are not copied into the report: the password column is empty."),
		"",
		r.l.Pick("各状态的行数", "Rows by status"),
	}
	for i, line := range lines {
		if err := f.SetCellStr(sheet, fmt.Sprintf("A%d", i+1), line); err != nil {
			return err
		}
	}
	row := len(lines) + 1
	for _, a := range r.statusOrder() {
		if err := f.SetCellStr(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf(r.l.Pick("%s：%d 行", "%s: %d rows"), r.l.Status(string(a)), r.counts[a])); err != nil {
			return err
		}
		row++
	}
	if err := f.SetColWidth(sheet, "A", "A", 90); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}})
	if err != nil {
		return err
	}
	for _, cell := range []string{"A1", fmt.Sprintf("A%d", len(lines))} {
		if err := f.SetCellStyle(sheet, cell, cell, bold); err != nil {
			return err
		}
	}
	return nil
}

// statusOrder lists the statuses the report has, those to fix first.
func (r *XLSX) statusOrder() []Action {
	var order []Action
	for _, a := range r.order {
		if a.NeedsFixing() {
			order = append(order, a)
		}
	}
	for _, a := range r.order {
		if !a.NeedsFixing() {
			order = append(order, a)
		}
	}
	return order
}

func (r *XLSX) removeSpool() {
	if r.spool != nil {
		r.spool.Close()
		os.Remove(r.spool.Name())
		r.spool = nil
	}
}

// Abort drops the report and its spool: nothing appears at its path.
func (r *XLSX) Abort() {
	r.removeSpool()
	if r.file != nil {
		r.file.Close()
	}
}

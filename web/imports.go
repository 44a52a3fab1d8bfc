package web

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// upload is a sheet dropped on the import page, checked row by row, with the cells the
// person fixed in place. The import reads work: the upload itself until a cell is fixed,
// then a workbook copy holding the fixes.
type upload struct {
	id, name string // name: the file's name as uploaded, for the page
	dir      string
	mf       *mappingFile

	mu    sync.Mutex
	work  string // the file an import of this upload reads
	table *importer.Table
	rows  []gridRow // the rows with problems first, then in sheet order
	bad   int       // rows with problems
	fixes int
	// running is the import of this upload in flight: a second one at the same time would
	// find the same companies missing and create them twice.
	running string
}

// gridRow is a row of the validation grid.
type gridRow struct {
	Row   int            `json:"row"`
	Cells []string       `json:"cells"`
	Bad   map[int]string `json:"bad,omitempty"`  // column index -> what is wrong, in the person's language
	Note  string         `json:"note,omitempty"` // problems of the row not at a column of the sheet
}

// sheetUpload reads the form of a sheet upload: the sheet (multipart "file", .xlsx, .xlsm or
// .csv, within the upload limit) and a mapping by name ("mapping"). On a problem it has
// answered the request and reports false; else the caller closes the file.
func (s *Server) sheetUpload(w http.ResponseWriter, r *http.Request, l lang.Lang) (multipart.File, *multipart.FileHeader, string, *mappingFile, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+64<<10)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		uploadError(w, l, s.cfg.MaxUpload, err)
		return nil, nil, "", nil, false
	}
	mf, ok := s.mappingNamed(r.FormValue("mapping"))
	if !ok {
		f.Close()
		fail(w, http.StatusBadRequest, l.Pick("请选择映射文件", "choose a mapping"))
		return nil, nil, "", nil, false
	}
	ext := strings.ToLower(filepath.Ext(hdr.Filename))
	if ext != ".xlsx" && ext != ".xlsm" && ext != ".csv" {
		f.Close()
		fail(w, http.StatusBadRequest, l.Pick("只能上传 .xlsx 或 .csv 文件", "upload an .xlsx or .csv file"))
		return nil, nil, "", nil, false
	}
	return f, hdr, ext, mf, true
}

// handleUpload takes a sheet (multipart "file") and a mapping name ("mapping") and answers
// the first page of its grid.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	l := s.langOf(r)
	f, hdr, ext, mf, ok := s.sheetUpload(w, r, l)
	if !ok {
		return
	}
	defer f.Close()
	id := s.nextID("u")
	u := &upload{id: id, name: filepath.Base(hdr.Filename), dir: filepath.Join(s.cfg.Dir, "uploads", id), mf: mf}
	if err := os.MkdirAll(u.dir, 0o700); err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	u.work = filepath.Join(u.dir, "input"+ext)
	if err := saveUpload(u.work, f, s.cfg.MaxUpload); err != nil {
		os.RemoveAll(u.dir)
		uploadError(w, l, s.cfg.MaxUpload, err)
		return
	}
	if err := u.check(r, l); err != nil {
		os.RemoveAll(u.dir)
		fail(w, http.StatusBadRequest, u.say(err))
		return
	}
	s.mu.Lock()
	s.uploads[id] = u
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, u.page(0, defaultPageRows, l))
}

// say is an error about the upload as the person knows it: by the name they uploaded, not the
// console's copy.
func (u *upload) say(err error) string {
	return strings.ReplaceAll(strings.ReplaceAll(err.Error(), u.work, u.name), u.dir+string(filepath.Separator), "")
}

// saveUpload copies an upload to path, refusing one over max bytes.
func saveUpload(path string, src io.Reader, max int64) error {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, io.LimitReader(src, max+1))
	if closeErr := out.Close(); err == nil {
		err = closeErr
	}
	if err == nil && n > max {
		err = &http.MaxBytesError{Limit: max}
	}
	return err
}

// check reads u.work through the importer's checks and keeps the grid.
func (u *upload) check(r *http.Request, l lang.Lang) error {
	var rows []gridRow
	m := u.mf.m
	table, err := importer.CheckRows(r.Context(), u.work, m, func(row int, cells []string, problems []mapping.Problem) error {
		if len(rows) >= maxGridRows {
			return fmt.Errorf(l.Pick("超过 %d 行：请用命令行导入", "over %d rows: import this one from the command line"), maxGridRows)
		}
		g := gridRow{Row: row, Cells: slices.Clone(cells)}
		for _, p := range problems {
			if p.Severity != mapping.Error {
				continue
			}
			msg := l.Explain(p, m.ColumnByHeader(p.Header))
			if p.Column < 0 {
				g.Note = joinMsg(g.Note, msg)
				continue
			}
			if g.Bad == nil {
				g.Bad = map[int]string{}
			}
			g.Bad[p.Column] = joinMsg(g.Bad[p.Column], msg)
		}
		rows = append(rows, g)
		return nil
	})
	var he *importer.HeaderError
	if errors.As(err, &he) {
		if zh := l.HeaderProblems(he.Problems, he.Header, he.HeaderRow); zh != "" {
			return errors.New(zh)
		}
		return he
	}
	if err != nil {
		return err
	}
	// The rows with problems first, each group in sheet order: the person starts with them.
	slices.SortStableFunc(rows, func(a, b gridRow) int {
		return cmp.Compare(b.bad(), a.bad())
	})
	u.table, u.rows, u.bad = table, rows, 0
	for _, g := range rows {
		if g.bad() == 1 {
			u.bad++
		}
	}
	return nil
}

func (g gridRow) bad() int {
	if len(g.Bad) > 0 || g.Note != "" {
		return 1
	}
	return 0
}

func joinMsg(a, b string) string {
	if a == "" {
		return b
	}
	return a + "；" + b
}

// gridPage is a page of the grid for the page.
type gridPage struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Mapping  string    `json:"mapping"`
	Sheet    string    `json:"sheet"`
	Header   []string  `json:"header"`
	Letters  []string  `json:"letters"`
	Warnings []string  `json:"warnings,omitempty"`
	Rows     []gridRow `json:"rows"`
	Total    int       `json:"total"`
	Bad      int       `json:"bad"`
	Fixes    int       `json:"fixes"`
	Page     int       `json:"page"`
	Pages    int       `json:"pages"`
}

func (u *upload) page(page, size int, l lang.Lang) gridPage {
	u.mu.Lock()
	defer u.mu.Unlock()
	pages := max(1, (len(u.rows)+size-1)/size)
	page = min(max(page, 0), pages-1)
	from, to := page*size, min(len(u.rows), (page+1)*size)
	p := gridPage{ID: u.id, Name: u.name, Mapping: u.mf.Name, Sheet: u.table.Sheet, Header: u.table.Header,
		Rows: u.rows[from:to], Total: len(u.rows), Bad: u.bad, Fixes: u.fixes, Page: page, Pages: pages}
	for i := range u.table.Header {
		p.Letters = append(p.Letters, mapping.ColumnLetter(i))
	}
	for _, w := range u.table.Warnings {
		if w.Rule != mapping.RuleUnknownColumn {
			p.Warnings = append(p.Warnings, l.HeaderWarning(w))
		}
	}
	return p
}

func (s *Server) uploadOf(w http.ResponseWriter, r *http.Request) (*upload, bool) {
	s.mu.Lock()
	u, ok := s.uploads[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		fail(w, http.StatusNotFound, s.langOf(r).Pick("找不到这个上传的文件，请重新上传", "no such upload: upload the file again"))
	}
	return u, ok
}

func (s *Server) handleRows(w http.ResponseWriter, r *http.Request) {
	u, ok := s.uploadOf(w, r)
	if !ok {
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	size, _ := strconv.Atoi(r.URL.Query().Get("size"))
	if size < 1 || size > 1000 {
		size = defaultPageRows
	}
	writeJSON(w, http.StatusOK, u.page(page, size, s.langOf(r)))
}

// fixRequest is a cell fixed in place: its sheet row, its 0-based column and the new text.
type fixRequest struct {
	Row   int    `json:"row"`
	Col   int    `json:"col"`
	Value string `json:"value"`
	Page  int    `json:"page"`
	Size  int    `json:"size"`
}

// handleFix writes a fixed cell into the upload's working copy and checks the whole file
// again, with the importer's rules: the row may turn valid, or a key may now clash with
// another row's.
func (s *Server) handleFix(w http.ResponseWriter, r *http.Request) {
	u, ok := s.uploadOf(w, r)
	if !ok {
		return
	}
	var req fixRequest
	if !readJSON(w, r, &req) {
		return
	}
	l := s.langOf(r)
	u.mu.Lock()
	err := u.fix(req)
	if err == nil {
		err = u.check(r, l)
	}
	u.mu.Unlock()
	if err != nil {
		fail(w, http.StatusBadRequest, u.say(err))
		return
	}
	size := req.Size
	if size < 1 || size > 1000 {
		size = defaultPageRows
	}
	writeJSON(w, http.StatusOK, u.page(req.Page, size, l))
}

// fix sets one cell of the working copy. A CSV upload becomes a workbook of text cells at
// the same rows and columns at its first fix, so that reports still name the rows the person
// sees. The caller holds u.mu.
func (u *upload) fix(req fixRequest) error {
	if req.Col < 0 || req.Col >= max(len(u.table.Header), 1) || req.Row <= u.table.HeaderRow {
		return fmt.Errorf("no cell at row %d, column %d", req.Row, req.Col)
	}
	if !slices.ContainsFunc(u.rows, func(g gridRow) bool { return g.Row == req.Row }) {
		return fmt.Errorf("row %d is not a row of the grid", req.Row) // a fix never adds a row
	}
	if len(req.Value) > 32767 {
		return errors.New("a cell holds at most 32,767 characters")
	}
	var f *excelize.File
	sheetName := u.table.Sheet
	if strings.EqualFold(filepath.Ext(u.work), ".csv") {
		f, sheetName = excelize.NewFile(), "Sheet1"
		if err := u.copyCSV(f, sheetName); err != nil {
			return err
		}
	} else {
		var err error
		if f, err = excelize.OpenFile(u.work); err != nil {
			return fmt.Errorf("fix: %w", err)
		}
	}
	defer f.Close()
	cell, err := excelize.CoordinatesToCellName(req.Col+1, req.Row)
	if err != nil {
		return err
	}
	if err := f.SetCellStr(sheetName, cell, req.Value); err != nil {
		return fmt.Errorf("fix: %w", err)
	}
	u.fixes++
	next := filepath.Join(u.dir, fmt.Sprintf("fixed-%d.xlsx", u.fixes))
	if err := f.SaveAs(next); err != nil {
		return fmt.Errorf("fix: %w", err)
	}
	u.work = next
	return nil
}

// copyCSV writes the header and the rows of a CSV upload as text cells at their rows.
func (u *upload) copyCSV(f *excelize.File, sheetName string) error {
	put := func(row int, cells []string) error {
		for i, v := range cells {
			if v == "" {
				continue
			}
			name, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(sheetName, name, v); err != nil {
				return err
			}
		}
		return nil
	}
	if err := put(u.table.HeaderRow, u.table.Header); err != nil {
		return err
	}
	for _, g := range u.rows {
		if err := put(g.Row, g.Cells); err != nil {
			return err
		}
	}
	return nil
}

// importRequest is what the plan and the run are asked for.
type importRequest struct {
	Mode        string `json:"mode"`
	SkipInvalid bool   `json:"skip_invalid"`
}

// importRequestOf reads the upload and the import request (mode, skip invalid) of a plan or
// a run, and the options both give the importer. On a problem it has answered the request
// and reports false.
func (s *Server) importRequestOf(w http.ResponseWriter, r *http.Request) (*upload, importer.Options, lang.Lang, bool) {
	l := s.langOf(r)
	u, ok := s.uploadOf(w, r)
	if !ok {
		return nil, importer.Options{}, l, false
	}
	var req importRequest
	if !readJSON(w, r, &req) {
		return nil, importer.Options{}, l, false
	}
	opts, err := s.importOptions(u, req, l)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return nil, importer.Options{}, l, false
	}
	return u, opts, l, true
}

func (s *Server) importOptions(u *upload, req importRequest, l lang.Lang) (importer.Options, error) {
	mode := importer.DefaultMode(u.mf.m)
	if req.Mode != "" {
		var err error
		if mode, err = importer.ParseMode(req.Mode); err != nil {
			return importer.Options{}, err
		}
	}
	if mode != importer.ModeCreate && u.mf.m.Match == "" {
		return importer.Options{}, fmt.Errorf(l.Pick("%s 模式需要映射文件里有关键列（match）", "mode %s needs a match key in the mapping"), mode)
	}
	return importer.Options{Mode: mode, SkipInvalid: req.SkipInvalid, Concurrency: s.cfg.Concurrency,
		Lang: l, MappingDigest: u.mf.digest, Account: s.cfg.Account, Server: s.cfg.Server,
		Retries: s.cfg.Retries, MaxProblems: maxPlanLinesShown, Logger: s.log}, nil
}

// planAnswer is the dry run of an import, as the command line's --dry-run -v prints it.
type planAnswer struct {
	Summary *importer.Summary `json:"summary"`
	Line    string            `json:"line"` // the counts and the time the writes take
	Rows    []string          `json:"rows"` // a line per row written: action, company, header old -> new
	More    int               `json:"more"` // plan lines not shown
	// Problems are the rows that cannot be written (conflicts among them) and the warnings:
	// fields cleared, values kept.
	Problems []string `json:"problems"`
}

func (s *Server) handlePlan(w http.ResponseWriter, r *http.Request) {
	u, opts, l, ok := s.importRequestOf(w, r)
	if !ok {
		return
	}
	var plan, problems bytes.Buffer
	opts.DryRun, opts.Plan, opts.Problems = true, &plan, &problems
	u.mu.Lock()
	input := u.work
	u.mu.Unlock()
	var lookups0 int64
	if s.cfg.Pacer != nil {
		lookups0 = s.cfg.Pacer.Stats().Calls
	}
	sum, err := importer.Import(r.Context(), s.cfg.Client, input, u.mf.m, opts)
	if err != nil {
		fail(w, http.StatusBadRequest, strings.ReplaceAll(errorText(err, l), input, u.name)) // the file the person named
		return
	}
	lookups := 0
	if s.cfg.Pacer != nil {
		lookups = int(s.cfg.Pacer.Stats().Calls - lookups0)
	}
	a := planAnswer{Summary: sum, Line: l.PlanSummary(lang.PlanCounts{Mode: string(sum.Mode),
		Create: sum.Created, Update: sum.Updated, Unchanged: sum.Unchanged, Invalid: sum.Invalid,
		Skipped: sum.Skipped, Clears: sum.Cleared, Kept: sum.Kept, Lookups: lookups, RPS: s.cfg.RPS})}
	a.Rows, a.More = blocks(plan.String(), maxPlanLinesShown)
	// The lines name the file the importer read: the person knows it by its own name.
	a.Problems, _ = blocks(strings.ReplaceAll(problems.String(), input, u.name), maxPlanLinesShown)
	writeJSON(w, http.StatusOK, a)
}

// blocks splits text into its entries, at most n of them, and counts the rest: a line and
// the indented lines under it (a plan row and its fields old -> new) are one entry.
func blocks(text string, n int) ([]string, int) {
	out := []string{}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case line == "":
		case len(out) > 0 && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
			out[len(out)-1] += "\n" + line
		default:
			out = append(out, line)
		}
	}
	if len(out) > n {
		return out[:n], len(out) - n
	}
	return out, 0
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/exporter"
	"github.com/bangwo8-etl/bangwo8-etl/extension"
	"github.com/bangwo8-etl/bangwo8-etl/template"
)

// exportRequest is the export form: the filters of `bangwo8-etl export`.
type exportRequest struct {
	Mapping        string `json:"mapping"` // "" exports every field
	Format         string `json:"format"`  // xlsx or csv
	CreatedStart   string `json:"created_start"`
	CreatedEnd     string `json:"created_end"`
	UpdatedStart   string `json:"updated_start"`
	UpdatedEnd     string `json:"updated_end"`
	Query          string `json:"query"`
	IncludeDeleted bool   `json:"include_deleted"`
}

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	var req exportRequest
	if !readJSON(w, r, &req) {
		return
	}
	l := s.langOf(r)
	if req.Format != "csv" {
		req.Format = "xlsx"
	}
	opts := exporter.Options{Filter: exporter.Filter{CreatedStart: req.CreatedStart, CreatedEnd: req.CreatedEnd,
		UpdatedStart: req.UpdatedStart, UpdatedEnd: req.UpdatedEnd, IncludeDeleted: req.IncludeDeleted},
		Query: strings.TrimSpace(req.Query), Logger: s.log}
	title := l.Pick("全部字段", "every field")
	if req.Mapping != "" {
		mf, ok := s.mappingNamed(req.Mapping)
		if !ok {
			fail(w, http.StatusBadRequest, l.Pick("没有这个映射文件", "no such mapping"))
			return
		}
		opts.Mapping, title = mf.m, mf.Name
	}
	// The options are checked before a run starts: a bad date is the form's error.
	check := opts
	check.Out = "check." + req.Format
	if err := check.Check(); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	run, err := s.start(KindExport, title, func(ctx context.Context, run *Run) error {
		opts.Out = filepath.Join(run.dir, "companies."+req.Format)
		opts.Progress = s.progress(run)
		sum, err := exporter.Run(ctx, s.cfg.Client, opts)
		if err == nil {
			run.addFile("out", opts.Out)
		}
		if sum != nil {
			run.update(func(st *RunState) {
				st.Summary = exportSummary{Companies: sum.Companies, Sheets: sum.Sheets, Pages: sum.Pages,
					Deleted: sum.Deleted, Repeats: sum.Repeats, MissingIDs: len(sum.MissingIDs)}
				st.Result = fmt.Sprintf(l.Pick("导出 %d 家公司", "%d companies exported"), sum.Companies)
			})
		}
		return err
	})
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": run.ID})
}

// exportSummary is what the page shows of an export's summary.
type exportSummary struct {
	Companies  int `json:"companies"`
	Sheets     int `json:"sheets"`
	Pages      int `json:"pages"`
	Deleted    int `json:"deleted"`
	Repeats    int `json:"repeats"`
	MissingIDs int `json:"missing_ids"`
}

// handleTemplate downloads the blank workbook of a mapping (?mapping=NAME).
func (s *Server) handleTemplate(w http.ResponseWriter, r *http.Request) {
	l := s.langOf(r)
	mf, ok := s.mappingNamed(r.URL.Query().Get("mapping"))
	if !ok {
		fail(w, http.StatusBadRequest, l.Pick("没有这个映射文件", "no such mapping"))
		return
	}
	dir, err := os.MkdirTemp(s.cfg.Dir, "template-")
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, l.Pick("公司导入模板.xlsx", "company-import-template.xlsx"))
	if err := template.Write(path, mf.m, l); err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+urlPathEscape(filepath.Base(path)))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	http.ServeFile(w, r, path)
}

// extensionProblem is a problem of an extension configuration as the page lists it.
type extensionProblem struct {
	Severity string `json:"severity"`
	Rule     string `json:"rule"`
	What     string `json:"what"` // what the rule asks, in the person's language ("" in English)
	Param    string `json:"param"`
	Value    string `json:"value"`
	Message  string `json:"message"`
	Fix      string `json:"fix"`
}

// extensionAnswer is the check of a configuration URL, as `extension check` prints it.
type extensionAnswer struct {
	OK       bool               `json:"ok"`
	Problems []extensionProblem `json:"problems"`
	URL      string             `json:"url,omitempty"` // the canonical URL of a configuration that works
}

// extensionRequest is a configuration to check: a URL, or its parameters one by one (the
// form that builds a URL).
type extensionRequest struct {
	URL    string `json:"url"`
	Params *struct {
		TableID   string `json:"table_id"`
		TableName string `json:"table_name"`
		CPara     string `json:"cpara"`
		Filter    string `json:"filter"`
		Display   string `json:"display"`
		Pick      string `json:"pick"`
	} `json:"params"`
}

// handleExtension checks a configuration with package extension, as `extension check` does:
// a URL, or the parameters of the form that builds one. A configuration that works comes back
// as its canonical URL.
func (s *Server) handleExtension(w http.ResponseWriter, r *http.Request) {
	var req extensionRequest
	if !readJSON(w, r, &req) {
		return
	}
	l := s.langOf(r)
	var params extension.Params
	var problems extension.Problems
	if p := req.Params; p != nil {
		params = extension.Params{TableID: strings.TrimSpace(p.TableID), TableName: strings.TrimSpace(p.TableName),
			CPara: strings.TrimSpace(p.CPara), Filter: strings.TrimSpace(p.Filter), Display: strings.TrimSpace(p.Display), Pick: strings.TrimSpace(p.Pick)}
	} else {
		params, problems = extension.ParseURL(strings.TrimSpace(req.URL))
	}
	cfg, more := extension.Parse(params)
	problems = append(problems, more...)
	a := extensionAnswer{OK: len(problems.Errors()) == 0, Problems: []extensionProblem{}}
	for _, p := range problems {
		a.Problems = append(a.Problems, extensionProblem{Severity: l.ExtensionWords(p.Severity.String()), Rule: string(p.Rule),
			What: l.ExtensionRule(string(p.Rule)), Param: p.Param, Value: p.Value, Message: p.Message, Fix: p.Fix})
	}
	if a.OK {
		a.URL = cfg.URL("")
	}
	writeJSON(w, http.StatusOK, a)
}

// urlPathEscape escapes a file name for filename*= (RFC 5987).
func urlPathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

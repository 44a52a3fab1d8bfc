package web

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/sheet"
)

// The mapping builder makes a mapping for a sheet whose headers are not a mapping's: each
// header of the sheet is matched to a column of a base mapping (a sample, or one uploaded),
// with a suggestion, and the result is the base's own column definitions under the sheet's
// headers. The rules stay the base mapping's; mapping.Parse checks the result as it checks
// any file.

// builderField is a column of the base mapping a sheet header can be matched to.
type builderField struct {
	Field  string `json:"field"`
	Header string `json:"header"` // the base mapping's header for it
}

// builderColumn is a header of the sheet and the field suggested for it ("" for none).
type builderColumn struct {
	Letter string `json:"letter"`
	Header string `json:"header"`
	Field  string `json:"field"`
}

type builderAnswer struct {
	Base    string          `json:"base"`
	Columns []builderColumn `json:"columns"`
	Fields  []builderField  `json:"fields"`
}

// handleBuilderSuggest reads the header row of an uploaded sheet (multipart "file") and
// suggests, for each header, the column of the base mapping ("mapping") it is: the same
// header, else the one the mapping's near-miss check names (服务帐号 for 服务账号).
func (s *Server) handleBuilderSuggest(w http.ResponseWriter, r *http.Request) {
	l := s.langOf(r)
	f, hdr, ext, base, ok := s.sheetUpload(w, r, l)
	if !ok {
		return
	}
	defer f.Close()
	dir, err := os.MkdirTemp(s.cfg.Dir, "builder-")
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "input"+ext)
	if err := saveUpload(path, f, s.cfg.MaxUpload); err != nil {
		uploadError(w, l, s.cfg.MaxUpload, err)
		return
	}
	// The header row: the first of the top rows with a header of the base mapping (a title
	// row often sits above it), else the first row that is not blank.
	m := base.m
	t, err := sheet.OpenTable(path, sheet.TableOptions{IsHeader: func(cells []string) bool {
		return slices.ContainsFunc(cells, func(c string) bool { return m.ColumnByHeader(c) != nil })
	}})
	if err != nil {
		fail(w, http.StatusBadRequest, strings.ReplaceAll(err.Error(), path, filepath.Base(hdr.Filename)))
		return
	}
	header := t.Header
	t.Close()
	near := map[string]string{} // sheet header -> the field whose header it almost is
	_, problems := m.Bind(header, mapping.ReadOptions{})
	for _, p := range problems {
		if p.Rule == mapping.RuleMissingColumn && p.Suggestion != "" {
			if c := m.ColumnByHeader(p.Header); c != nil {
				near[p.Suggestion] = c.Field
			}
		}
	}
	a := builderAnswer{Base: base.Name, Columns: []builderColumn{}}
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			continue
		}
		c := builderColumn{Letter: mapping.ColumnLetter(i), Header: h, Field: near[h]}
		if col := m.ColumnByHeader(h); col != nil {
			c.Field = col.Field
		}
		a.Columns = append(a.Columns, c)
	}
	for _, c := range m.Columns {
		a.Fields = append(a.Fields, builderField{Field: c.Field, Header: c.Header})
	}
	writeJSON(w, http.StatusOK, a)
}

// builderRequest is the matching the person chose.
type builderRequest struct {
	Base    string          `json:"base"`
	Name    string          `json:"name"`
	Columns []builderColumn `json:"columns"` // Field "" leaves the header out
}

// handleBuilderSave writes the mapping the person built, checks it with mapping.Parse and
// offers it beside the others (and as a YAML download).
func (s *Server) handleBuilderSave(w http.ResponseWriter, r *http.Request) {
	var req builderRequest
	if !readJSON(w, r, &req) {
		return
	}
	l := s.langOf(r)
	base, ok := s.mappingNamed(req.Base)
	if !ok {
		fail(w, http.StatusBadRequest, l.Pick("请选择映射文件", "choose a mapping"))
		return
	}
	name := filepath.Base(strings.TrimSpace(req.Name))
	if name == "." || name == "/" || name == "" {
		name = "sheet-mapping.yaml"
	}
	if ext := strings.ToLower(filepath.Ext(name)); ext != ".yaml" && ext != ".yml" {
		name += ".yaml"
	}
	if !slices.ContainsFunc(req.Columns, func(c builderColumn) bool { return c.Field != "" }) {
		fail(w, http.StatusBadRequest, l.Pick("还没有给任何一列选字段", "no header is matched to a field yet"))
		return
	}
	data, err := buildMapping(base, req.Columns)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	mf, err := parseMapping(name, data)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	s.addMapping(mf, "built-")
	writeJSON(w, http.StatusOK, map[string]string{"name": mf.Name, "yaml": string(data)})
}

// headerLine is the line of a column's block that holds its header.
var headerLine = regexp.MustCompile(`^(\s*(?:-\s+)?)header:.*$`)

// buildMapping writes a mapping file of the chosen columns: each one's definition as the base
// file writes it (its lines, comments included), under the sheet's header; the base's match
// key when its column is chosen.
func buildMapping(base *mappingFile, chosen []builderColumn) ([]byte, error) {
	lines := strings.Split(string(base.data), "\n")
	cols := base.m.Columns
	block := func(i int) ([]string, error) {
		start := cols[i].Line - 1
		end := len(lines)
		if i+1 < len(cols) {
			end = cols[i+1].Line - 1
		} else {
			for j := start + 1; j < len(lines); j++ {
				if l := lines[j]; l != "" && l[0] != ' ' && l[0] != '#' && l[0] != '-' {
					end = j
					break
				}
			}
		}
		if start < 0 || start >= end || end > len(lines) {
			return nil, fmt.Errorf("the column %q of %s cannot be copied", cols[i].Header, base.Name)
		}
		return lines[start:end], nil
	}
	var b bytes.Buffer
	b.WriteString("# Built in the bangwo8-etl web console from " + base.Name + ": its column definitions under the sheet's headers.\nversion: 1\n")
	var body bytes.Buffer
	match := false
	for _, c := range chosen {
		if c.Field == "" {
			continue
		}
		i := -1
		for j, col := range cols {
			if col.Field == c.Field {
				i = j
			}
		}
		if i < 0 {
			return nil, fmt.Errorf("%s has no column of field %s", base.Name, c.Field)
		}
		lines, err := block(i)
		if err != nil {
			return nil, err
		}
		replaced := false
		for _, line := range lines {
			if m := headerLine.FindStringSubmatch(line); m != nil && !replaced {
				line = m[1] + "header: " + strconv.Quote(c.Header)
				replaced = true
			}
			body.WriteString(strings.TrimRight(line, " ") + "\n")
		}
		if !replaced {
			return nil, fmt.Errorf("the column %q of %s is not written one key a line: build this mapping by hand", cols[i].Header, base.Name)
		}
		match = match || c.Field == base.m.Match
	}
	if body.Len() == 0 {
		return nil, fmt.Errorf("no column chosen")
	}
	if match {
		b.WriteString("match: " + base.m.Match + "\n")
	}
	b.WriteString("columns:\n")
	b.Write(body.Bytes())
	return b.Bytes(), nil
}

// handleMappingYAML downloads a mapping file as the console holds it.
func (s *Server) handleMappingYAML(w http.ResponseWriter, r *http.Request) {
	mf, ok := s.mappingNamed(r.PathValue("name"))
	if !ok {
		fail(w, http.StatusNotFound, "no such mapping")
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+urlPathEscape(mf.Name))
	w.Write(mf.data)
}

package sandbox

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/extension"
)

// The extension page (/osp2016/SDK/Tables/ticketAssetTable.php) is what the vendor opens in
// the agent's browser when a company's custom field uses the external extension. Its query
// carries the extension's parameters (tableId, tableName, cPara, filter, display) and the
// page's context: companyId (the company being edited) and cId (the contact; a company page
// has none). GET shows the rows the filter keeps — JSON with format=json or an Accept of
// application/json, else an HTML table of the display columns with a pick form per row —
// and POST pick=<_id> writes the cPara targets of that row into the company.
//
// It sits behind the API's Basic auth: the real page is opened inside the agent's logged-in
// browser, and the sandbox has no other login, so a browser asks for the account and
// password once (or takes them from the URL).

// pageRequest is a checked request of the extension page.
type pageRequest struct {
	cfg      extension.Config
	warnings extension.Problems
	page     extension.Page
	table    assetTable
	filter   extension.Filter
	rows     []extension.Row
}

// wantsJSON reports whether the client asked for JSON rather than HTML.
func wantsJSON(r *http.Request) bool {
	return r.URL.Query().Get("format") == "json" || strings.Contains(r.Header.Get("Accept"), "application/json")
}

// readPage checks the parameters, resolves the table and reads the rows the filter keeps, or
// answers the error itself and returns nil.
func (a *api) readPage(w http.ResponseWriter, r *http.Request) *pageRequest {
	q := r.URL.Query()
	cfg, problems := extension.Parse(extension.Params{TableID: q.Get("tableId"), TableName: q.Get("tableName"),
		CPara: q.Get("cPara"), Filter: q.Get("filter"), Display: q.Get("display")})
	if errs := problems.Errors(); len(errs) > 0 {
		d := details{}
		for _, p := range errs {
			d.add(p.Param, "%s (fix: %s)", p.Message, p.Fix)
		}
		a.pageError(w, r, http.StatusBadRequest, CodeInvalidParameter, "the extension's parameters are wrong", d)
		return nil
	}
	pr := &pageRequest{cfg: cfg, warnings: problems,
		page: extension.Page{CompanyID: strings.TrimSpace(q.Get("companyId")), ContactID: strings.TrimSpace(q.Get("cId"))}}
	var err error
	pr.table, err = a.store.resolveAssetTable(r.Context(), cfg.TableID, cfg.TableName)
	if errors.Is(err, errNoAssetTable) {
		a.pageError(w, r, http.StatusNotFound, CodeRecordNotFound, err.Error(), nil)
		return nil
	}
	if err != nil {
		a.internalError(w, r, err)
		return nil
	}
	pr.filter = cfg.FilterFor(pr.page)
	if pr.rows, err = a.store.assetRows(r.Context(), pr.table.ID, pr.filter); err != nil {
		a.internalError(w, r, err)
		return nil
	}
	return pr
}

// pageError answers an error as JSON or as a small HTML page.
func (a *api) pageError(w http.ResponseWriter, r *http.Request, status int, code, desc string, d details) {
	if wantsJSON(r) {
		writeError(w, status, code, desc, d)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pageTemplates.ExecuteTemplate(w, "error", map[string]any{"Status": status, "Code": code, "Description": desc, "Details": d})
}

// pageColumn is a shown column.
type pageColumn struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// pageJSON is the JSON answer of GET.
type pageJSON struct {
	Table    assetTable          `json:"table"`
	Columns  []pageColumn        `json:"columns"`
	Rows     []map[string]string `json:"rows"` // _id and the shown columns
	Count    int                 `json:"count"`
	Owner    map[string]string   `json:"owner"` // the owner pair applied; null when none
	Notes    []string            `json:"notes"`
	Warnings []string            `json:"warnings"`
}

// view is what both answers show.
func (pr *pageRequest) view() pageJSON {
	shown, unknown := pr.cfg.Columns(pr.table.keys())
	v := pageJSON{Table: pr.table, Rows: make([]map[string]string, 0, len(pr.rows)), Count: len(pr.rows),
		Notes: []string{}, Warnings: []string{}}
	v.Table.Fields = nil
	for _, k := range shown {
		v.Columns = append(v.Columns, pageColumn{Key: k, Title: pr.table.title(k)})
	}
	for _, row := range pr.rows {
		out := map[string]string{extension.IDField: row[extension.IDField]}
		for _, k := range shown {
			out[k] = row[k]
		}
		v.Rows = append(v.Rows, out)
	}
	if typ, owner := pr.filter.Owner(); typ != "" {
		v.Owner = map[string]string{extension.OwnerTypeField: typ, extension.OwnerField: owner}
	}
	if pr.filter.OwnerNote != "" {
		v.Notes = append(v.Notes, pr.filter.OwnerNote)
	}
	if len(unknown) > 0 {
		v.Notes = append(v.Notes, "display names columns the table lacks: "+strings.Join(unknown, ", "))
	}
	for _, p := range pr.warnings {
		v.Warnings = append(v.Warnings, p.String())
	}
	return v
}

func (a *api) handleExtensionPage(w http.ResponseWriter, r *http.Request) {
	pr := a.readPage(w, r)
	if pr == nil {
		return
	}
	v := pr.view()
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, v)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	err := pageTemplates.ExecuteTemplate(w, "table", map[string]any{"V": v, "Action": r.URL.RequestURI(),
		"CanPick": pr.page.CompanyID != ""})
	if err != nil {
		a.cfg.Logger.Error("extension page", "err", err)
	}
}

// pickJSON is the JSON answer of a pick.
type pickJSON struct {
	UID      int64                  `json:"uId"`
	AssetID  string                 `json:"asset_id"`
	Assigned []extension.Assignment `json:"assigned"`
}

func (a *api) handleExtensionPick(w http.ResponseWriter, r *http.Request) {
	uid, err := strconv.ParseInt(r.URL.Query().Get("companyId"), 10, 64)
	if err != nil || uid <= 0 {
		a.pageError(w, r, http.StatusBadRequest, CodeInvalidParameter,
			"companyId (the company of the page) must be a company's uId to pick an asset for it", nil)
		return
	}
	pick := strings.TrimSpace(r.PostFormValue("pick"))
	if pick == "" {
		a.pageError(w, r, http.StatusBadRequest, CodeInvalidParameter, "pick (the _id of the chosen asset) is required", nil)
		return
	}
	pr := a.readPage(w, r)
	if pr == nil {
		return
	}
	row, ok := findRow(pr.rows, pick)
	if !ok {
		a.pageError(w, r, http.StatusNotFound, CodeRecordNotFound,
			fmt.Sprintf("asset _id %s is not among the rows this page shows (table %s)", pick, pr.table.Name), nil)
		return
	}
	assigned := pr.cfg.Assign(row)
	_, err = a.store.assignCustom(r.Context(), uid, assigned, formatDateTime(a.cfg.Now()))
	switch {
	case errors.Is(err, errNotFound):
		a.pageError(w, r, http.StatusNotFound, CodeRecordNotFound, fmt.Sprintf("no company with uId %d", uid), nil)
		return
	case err != nil:
		a.internalError(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, pickJSON{UID: uid, AssetID: pick, Assigned: assigned})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTemplates.ExecuteTemplate(w, "picked", map[string]any{"UID": uid, "AssetID": pick, "Assigned": assigned,
		"Back": r.URL.RequestURI(), "Table": pr.table})
}

var pageTemplates = template.Must(template.New("page").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{{.}}</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}</style>
</head><body>{{end}}
{{define "table"}}{{template "head" .V.Table.Title}}
<h1 id="title" data-table-id="{{.V.Table.ID}}" data-table-name="{{.V.Table.Name}}">{{.V.Table.Title}}</h1>
{{range .V.Notes}}<p class="note">{{.}}</p>
{{end}}{{range .V.Warnings}}<p class="warning">{{.}}</p>
{{end}}<p id="count">{{.V.Count}} 条</p>
<table id="assets">
<thead><tr>{{range .V.Columns}}<th data-key="{{.Key}}">{{.Title}}</th>{{end}}{{if .CanPick}}<th></th>{{end}}</tr></thead>
<tbody>
{{$v := .V}}{{$action := .Action}}{{$pick := .CanPick}}{{range $row := .V.Rows}}<tr data-id="{{index $row "_id"}}">{{range $v.Columns}}<td data-key="{{.Key}}">{{index $row .Key}}</td>{{end}}{{if $pick}}<td><form method="post" action="{{$action}}"><input type="hidden" name="pick" value="{{index $row "_id"}}"><button type="submit">选择</button></form></td>{{end}}</tr>
{{end}}</tbody>
</table>
{{if not .CanPick}}<p class="note">no companyId on this page: nothing to pick for</p>{{end}}
</body></html>
{{end}}
{{define "picked"}}{{template "head" "已选择"}}
<p id="confirm" data-uid="{{.UID}}" data-asset-id="{{.AssetID}}">已将资产 {{.AssetID}}（{{.Table.Title}}）写入公司 {{.UID}}</p>
<ul id="assigned">{{range .Assigned}}<li data-key="{{.Company}}">{{.Company}} = {{.Value}}</li>
{{end}}</ul>
<p><a href="{{.Back}}">返回</a></p>
</body></html>
{{end}}
{{define "error"}}{{template "head" .Code}}
<h1>{{.Status}} {{.Code}}</h1>
<p id="error">{{.Description}}</p>
<ul>{{range $k, $v := .Details}}{{range $v}}<li>{{$k}}: {{.}}</li>{{end}}{{end}}</ul>
</body></html>
{{end}}`))

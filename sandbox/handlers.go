package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxBody bounds a request body; one company is a few kilobytes.
const maxBody = 1 << 20

// writeParamError answers a bad query parameter.
func writeParamError(w http.ResponseWriter, e *paramError) {
	code := CodeInvalidParameter
	if e.status == http.StatusInternalServerError {
		code = CodeInternalError
	}
	writeError(w, e.status, code, e.msg, nil)
}

// render is a stored company as this server answers it in the shape s (see vendor.go).
func (a *api) render(uid int64, doc []byte, base string, s shape) []byte {
	if a.cfg.VendorShapes {
		return vendorJSON(uid, doc, base, s)
	}
	return companyJSON(uid, doc, base)
}

// writeCompanies answers {"companies": [...]} from stored rows.
func (a *api) writeCompanies(w http.ResponseWriter, rows []storedRow, base string, s shape) {
	var buf bytes.Buffer
	buf.WriteString(`{"companies":[`)
	for i, row := range rows {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(a.render(row.uid, row.doc, base, s))
	}
	buf.WriteString("]}")
	writeRawJSON(w, http.StatusOK, buf.Bytes())
}

// writeCompany answers {"company": {...}}.
func (a *api) writeCompany(w http.ResponseWriter, status int, uid int64, doc []byte, base string, s shape) {
	body := append([]byte(`{"company":`), a.render(uid, doc, base, s)...)
	writeRawJSON(w, status, append(body, '}'))
}

func (a *api) handleList(w http.ResponseWriter, r *http.Request) {
	p := params{v: r.URL.Query()}
	var q listQuery
	if from, _, ok := p.day("created_start"); ok {
		q.createdFrom = from
	}
	if _, next, ok := p.day("created_end"); ok {
		q.createdTo = next
	}
	if from, _, ok := p.day("updated_start"); ok {
		q.updatedFrom = from
	}
	if _, next, ok := p.day("updated_end"); ok {
		q.updatedTo = next
	}
	q.createdOrder = p.order("created_order", "")
	q.updatedOrder = p.order("updated_order", "")
	q.includeDeleted = p.deStat()
	q.limit, q.offset = p.page()
	if p.err != nil {
		writeParamError(w, p.err)
		return
	}
	rows, err := a.store.list(r.Context(), q)
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	a.writeCompanies(w, rows, a.baseURL(r), shapeList)
}

func (a *api) handleShow(w http.ResponseWriter, r *http.Request, id int64) {
	doc, err := a.store.get(r.Context(), id)
	if errors.Is(err, errNotFound) {
		writeError(w, http.StatusNotFound, CodeRecordNotFound, fmt.Sprintf("no company with uId %d", id), nil)
		return
	}
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	a.writeCompany(w, http.StatusOK, id, doc, a.baseURL(r), shapeList)
}

// maxShowMany bounds the ids of one show_many call.
const maxShowMany = maxPerPage

func (a *api) handleShowMany(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("ids")
	if strings.TrimSpace(raw) == "" {
		writeError(w, http.StatusBadRequest, CodeInvalidParameter, "ids is required: ids=1,2,3", nil)
		return
	}
	var ids []int64
	for part := range strings.SplitSeq(raw, ",") {
		part = strings.TrimSpace(part)
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			writeError(w, http.StatusBadRequest, CodeInvalidParameter,
				fmt.Sprintf("ids must be company ids separated by commas; %q is not an id", part), nil)
			return
		}
		ids = append(ids, id)
	}
	if len(ids) > maxShowMany {
		writeError(w, http.StatusBadRequest, CodeInvalidParameter,
			fmt.Sprintf("ids has %d ids; at most %d per call", len(ids), maxShowMany), nil)
		return
	}
	rows, err := a.store.getMany(r.Context(), ids)
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	a.writeCompanies(w, rows, a.baseURL(r), shapeShowMany)
}

// readCompanyBody decodes {"company": {...}} into its fields, or answers 400 and returns nil.
func readCompanyBody(w http.ResponseWriter, r *http.Request) map[string]json.RawMessage {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalidJSON, fmt.Sprintf("reading the body: %v", err), nil)
		return nil
	}
	var envelope struct {
		Company json.RawMessage `json:"company"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalidJSON, fmt.Sprintf("the body is not valid JSON: %v", err), nil)
		return nil
	}
	var fields map[string]json.RawMessage
	if len(envelope.Company) == 0 || json.Unmarshal(envelope.Company, &fields) != nil || fields == nil {
		writeError(w, http.StatusBadRequest, CodeInvalidJSON, `the body must be {"company": {...}}`, nil)
		return nil
	}
	return fields
}

// writeInvalid answers 422 with the problems by field.
func writeInvalid(w http.ResponseWriter, d details) {
	fields := slices.Sorted(maps.Keys(d))
	writeError(w, http.StatusUnprocessableEntity, CodeRecordInvalid,
		"the company is not valid: "+strings.Join(fields, ", "), d)
}

func (a *api) handleCreate(w http.ResponseWriter, r *http.Request) {
	fields := readCompanyBody(w, r)
	if fields == nil {
		return
	}
	rec := newRecord(a.cfg.Now())
	if d := applyFields(&rec, fields, modeCreate); d != nil {
		writeInvalid(w, d)
		return
	}
	uid, doc, err := a.store.create(r.Context(), &rec)
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	base := a.baseURL(r)
	w.Header().Set("Location", companyURL(base, uid))
	a.writeCompany(w, http.StatusOK, uid, doc, base, shapeWrite)
}

func (a *api) handleUpdate(w http.ResponseWriter, r *http.Request, id int64) {
	fields := readCompanyBody(w, r)
	if fields == nil {
		return
	}
	now := formatDateTime(a.cfg.Now())
	doc, d, err := a.store.update(r.Context(), id, func(rec *record) details {
		if d := applyFields(rec, fields, modeUpdate); d != nil {
			return d
		}
		rec.UpdateDT = now
		return nil
	})
	switch {
	case errors.Is(err, errNotFound):
		writeError(w, http.StatusNotFound, CodeRecordNotFound, fmt.Sprintf("no company with uId %d", id), nil)
	case err != nil:
		a.internalError(w, r, err)
	case d != nil:
		writeInvalid(w, d)
	default:
		a.writeCompany(w, http.StatusOK, id, doc, a.baseURL(r), shapeWrite)
	}
}

// searchResult is the short form of a company in search results.
type searchResult struct {
	UID         int64  `json:"uId"`
	CompanyName string `json:"companyName"`
	CreateDT    string `json:"createDT"`
	UpdateDT    string `json:"updateDT"`
	URL         string `json:"url"`
}

type searchPage struct {
	Results      []searchResult `json:"results"`
	NextPage     *string        `json:"next_page"`
	PreviousPage *string        `json:"previous_page"`
	Count        int            `json:"count"`
}

func (a *api) handleSearch(w http.ResponseWriter, r *http.Request) {
	p := params{v: r.URL.Query()}
	if strings.TrimSpace(p.v.Get("query")) == "" {
		writeError(w, http.StatusBadRequest, CodeInvalidParameter, "query is required, e.g. query=companyName:金万维", nil)
		return
	}
	query, err := parseQuery(p.v.Get("query"))
	if err != nil {
		writeError(w, http.StatusBadRequest, CodeInvalidParameter, err.Error(), nil)
		return
	}
	q := searchQuery{query: query, includeDeleted: p.deStat()}
	sortBy := p.v.Get("sort_by")
	switch sortBy {
	case "", "createDT":
		sortBy, q.sortBy = "createDT", "create_dt"
	case "updateDT":
		q.sortBy = "update_dt"
	default:
		p.err = badParam("sort_by must be createDT or updateDT, not %q", sortBy)
	}
	q.sortOrder = p.order("sort_order", "desc")
	q.limit, q.offset = p.page()
	if a.cfg.VendorShapes && p.err == nil {
		// The vendor's search parameters name no per_page: pages are of the default size.
		q.limit, q.offset = defaultPerPage, q.offset/q.limit*defaultPerPage
	}
	if p.err != nil {
		writeParamError(w, p.err)
		return
	}
	hits, count, err := a.store.search(r.Context(), q)
	if err != nil {
		a.internalError(w, r, err)
		return
	}
	base := a.baseURL(r)
	out := searchPage{Results: make([]searchResult, len(hits)), Count: count}
	for i, h := range hits {
		out.Results[i] = searchResult{UID: h.uid, CompanyName: h.companyName, CreateDT: h.create, UpdateDT: h.updated, URL: companyURL(base, h.uid)}
	}
	page := q.offset/q.limit + 1
	link := func(page int) *string {
		v := url.Values{}
		v.Set("query", p.v.Get("query"))
		if d := p.v.Get("deStat"); d != "" {
			v.Set("deStat", d)
		}
		v.Set("sort_by", sortBy)
		v.Set("sort_order", q.sortOrder)
		v.Set("page", strconv.Itoa(page))
		if !a.cfg.VendorShapes { // the vendor's link names no per_page
			v.Set("per_page", strconv.Itoa(q.limit))
		}
		s := base + r.URL.Path + "?" + v.Encode()
		return &s
	}
	if q.offset+q.limit < count {
		out.NextPage = link(page + 1)
	}
	if page > 1 {
		out.PreviousPage = link(page - 1)
	}
	if a.cfg.VendorShapes {
		out.Count = len(out.Results) // the example's "count": 100 beside a next_page
	}
	writeJSON(w, http.StatusOK, out)
}

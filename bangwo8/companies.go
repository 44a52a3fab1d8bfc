package bangwo8

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// API paths.
const (
	companiesPath = "/api/v1/companies.json"
	showManyPath  = "/api/v1/companies/show_many.json"
	searchPath    = "/api/v1/companies/search.json"
)

func companyPath(id int64) string { return "/api/v1/companies/" + strconv.FormatInt(id, 10) + ".json" }

// Limits the client enforces before sending.
const (
	// MaxPerPage is the largest per_page the service is known to accept (10000 gets a 500).
	MaxPerPage = 5000
	// DefaultPerPage is the service's page size when per_page is not sent.
	DefaultPerPage = 100
	// MaxShowMany is the most ids one ShowMany call takes. The vendor names no limit; the
	// ids travel in the URL, so callers chunk long lists (a 100-id URL is ~1 KB).
	MaxShowMany = 100
)

// Order is a sort order.
type Order string

// Sort orders.
const (
	Asc  Order = "asc"
	Desc Order = "desc"
)

func (o Order) check(name string) error {
	switch o {
	case "", Asc, Desc:
		return nil
	}
	return fmt.Errorf("%s %q: want asc or desc", name, string(o))
}

// DateLayout is the layout of the API's date parameters ("2012-01-01"). The service counts
// days in its own time zone (China Standard Time): convert a time.Time first if the day matters.
const DateLayout = "2006-01-02"

func checkDate(name, s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse(DateLayout, s); err != nil {
		return fmt.Errorf("%s %q: want a date YYYY-MM-DD", name, s)
	}
	return nil
}

// ListOptions are the parameters of ListCompanies. Dates are "YYYY-MM-DD" strings, as the
// service takes them (format a time.Time with DateLayout); both ends include the whole day. The
// zero value lists the first page of companies not deleted, in ascending id order.
type ListOptions struct {
	CreatedStart, CreatedEnd string
	UpdatedStart, UpdatedEnd string
	CreatedOrder             Order
	UpdatedOrder             Order
	IncludeDeleted           bool // deStat=1: deleted companies too
	Page                     int  // from 1; 0 = the service's default (1)
	PerPage                  int  // 1..MaxPerPage; 0 = the service's default (DefaultPerPage)
}

// values checks o and returns it as query parameters.
func (o *ListOptions) values() (url.Values, error) {
	errs := []error{
		checkDate("created_start", o.CreatedStart),
		checkDate("created_end", o.CreatedEnd),
		checkDate("updated_start", o.UpdatedStart),
		checkDate("updated_end", o.UpdatedEnd),
		o.CreatedOrder.check("created_order"),
		o.UpdatedOrder.check("updated_order"),
		checkPage(o.Page, o.PerPage),
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	q := url.Values{}
	setIf(q, "created_start", o.CreatedStart)
	setIf(q, "created_end", o.CreatedEnd)
	setIf(q, "updated_start", o.UpdatedStart)
	setIf(q, "updated_end", o.UpdatedEnd)
	setIf(q, "created_order", string(o.CreatedOrder))
	setIf(q, "updated_order", string(o.UpdatedOrder))
	setPaging(q, o.IncludeDeleted, o.Page, o.PerPage)
	return q, nil
}

func checkPage(page, perPage int) error {
	switch {
	case page < 0:
		return fmt.Errorf("page %d: want >= 1 (or 0 for the default)", page)
	case perPage < 0 || perPage > MaxPerPage:
		return fmt.Errorf("per_page %d: want 1..%d (or 0 for the default)", perPage, MaxPerPage)
	}
	return nil
}

func setIf(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

func setPaging(q url.Values, includeDeleted bool, page, perPage int) {
	if includeDeleted {
		q.Set("deStat", "1")
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if perPage > 0 {
		q.Set("per_page", strconv.Itoa(perPage))
	}
}

// ListCompanies returns one page of companies. opts may be nil. A page past the end is empty.
func (c *Client) ListCompanies(ctx context.Context, opts *ListOptions) ([]Company, *Response, error) {
	if opts == nil {
		opts = &ListOptions{}
	}
	q, err := opts.values()
	if err != nil {
		return nil, nil, fmt.Errorf("bangwo8: list companies: %w", err)
	}
	var env companiesEnvelope
	resp, err := c.do(ctx, http.MethodGet, companiesPath, q, nil, &env)
	if err != nil {
		return nil, resp, err
	}
	resp.Page, resp.PerPage = pageOrDefault(opts.Page, opts.PerPage)
	return env.Companies.items, resp, nil
}

func pageOrDefault(page, perPage int) (int, int) {
	if page == 0 {
		page = 1
	}
	if perPage == 0 {
		perPage = DefaultPerPage
	}
	return page, perPage
}

// GetCompany returns the company id. An unknown id is an *APIError for which IsNotFound holds.
func (c *Client) GetCompany(ctx context.Context, id int64) (*Company, *Response, error) {
	if id <= 0 {
		return nil, nil, fmt.Errorf("bangwo8: get company: id %d: want > 0", id)
	}
	p := companyPath(id)
	var env companyEnvelope
	resp, err := c.do(ctx, http.MethodGet, p, nil, nil, &env)
	if err != nil {
		return nil, resp, err
	}
	co, err := env.company()
	if err != nil {
		return nil, resp, fmt.Errorf("bangwo8: GET %s: %w", p, err)
	}
	return co, resp, nil
}

// ShowMany returns the companies with the given ids in one call; unknown ids are left out.
// It takes 1..MaxShowMany positive ids: chunk longer lists.
func (c *Client) ShowMany(ctx context.Context, ids []int64) ([]Company, *Response, error) {
	if len(ids) == 0 || len(ids) > MaxShowMany {
		return nil, nil, fmt.Errorf("bangwo8: show many: %d ids: want 1..%d", len(ids), MaxShowMany)
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		if id <= 0 {
			return nil, nil, fmt.Errorf("bangwo8: show many: id %d (position %d): want > 0", id, i+1)
		}
		parts[i] = strconv.FormatInt(id, 10)
	}
	var env companiesEnvelope
	q := url.Values{"ids": {strings.Join(parts, ",")}}
	resp, err := c.do(ctx, http.MethodGet, showManyPath, q, nil, &env)
	if err != nil {
		return nil, resp, err
	}
	return env.Companies.items, resp, nil
}

// companyBody is the body of a create or an update.
type companyBody struct {
	Company CompanyInput `json:"company"`
}

// CreateCompany creates a company; in.CompanyName must be set and non-empty. resp.Location is
// the new company's URL. The create is sent again only when it certainly did not take effect
// (a 429, or a request that never left), up to the client's retries. An error for which
// errors.Is(err, ErrMaybeCreated) holds means the company may exist now: look it up by its key
// before creating it again. Any other error (a *RateLimitError after the last retry included)
// means it was not created.
func (c *Client) CreateCompany(ctx context.Context, in CompanyInput) (*Company, *Response, error) {
	if in.CompanyName == nil || strings.TrimSpace(*in.CompanyName) == "" {
		return nil, nil, errors.New("bangwo8: create company: companyName is required")
	}
	var env companyEnvelope
	resp, err := c.do(ctx, http.MethodPost, companiesPath, nil, companyBody{in}, &env)
	if err != nil {
		return nil, resp, err
	}
	resp.Location = resp.Header.Get("Location")
	co, err := env.company()
	if err != nil {
		// Created (2xx), but the answer does not say what: the caller must look it up.
		return nil, resp, &AmbiguousWriteError{Method: http.MethodPost, Path: companiesPath, Err: err}
	}
	if co.UID == 0 {
		co.UID = idFromLocation(resp.Location)
	}
	return co, resp, nil
}

// idFromLocation reads the id of ".../companies/{id}.json"; 0 when it is not there.
func idFromLocation(loc string) int64 {
	u, err := url.Parse(loc)
	if err != nil {
		return 0
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(path.Base(u.Path), ".json"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// UpdateCompany sets the fields that in sets (nil fields stay as they are) and returns the
// company as the service has it afterwards. It is retried like a GET: the same body twice
// leaves the same company.
func (c *Client) UpdateCompany(ctx context.Context, id int64, in CompanyInput) (*Company, *Response, error) {
	if id <= 0 {
		return nil, nil, fmt.Errorf("bangwo8: update company: id %d: want > 0", id)
	}
	if in.CompanyName != nil && strings.TrimSpace(*in.CompanyName) == "" {
		return nil, nil, fmt.Errorf("bangwo8: update company %d: companyName must not be set to empty", id)
	}
	p := companyPath(id)
	var env companyEnvelope
	resp, err := c.do(ctx, http.MethodPut, p, nil, companyBody{in}, &env)
	if err != nil {
		return nil, resp, err
	}
	co, err := env.company()
	if err != nil {
		return nil, resp, fmt.Errorf("bangwo8: PUT %s: %w", p, err)
	}
	return co, resp, nil
}

package exporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
)

// ErrInvalidOptions is matched (errors.Is) by every error of Options.Check: a usage error,
// reported before anything is fetched.
var ErrInvalidOptions = errors.New("invalid export options")

// API is the part of the client an export calls; *bangwo8.Client implements it.
type API interface {
	ListCompanies(ctx context.Context, opts *bangwo8.ListOptions) ([]bangwo8.Company, *bangwo8.Response, error)
	SearchCompanies(ctx context.Context, query string, opts *bangwo8.SearchOptions) (*bangwo8.SearchResult, *bangwo8.Response, error)
	ShowMany(ctx context.Context, ids []int64) ([]bangwo8.Company, *bangwo8.Response, error)
}

// Format is the kind of output file.
type Format string

const (
	FormatXLSX Format = "xlsx"
	FormatCSV  Format = "csv"
)

// FormatOf returns the format that path's extension names (.xlsx or .csv, any case).
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		return FormatXLSX, nil
	case ".csv":
		return FormatCSV, nil
	}
	return "", fmt.Errorf("%w: output %q must end in .xlsx or .csv", ErrInvalidOptions, path)
}

// Encoding is the character encoding of a CSV file.
type Encoding string

const (
	EncodingUTF8BOM Encoding = "utf8-bom" // the default: Excel reads UTF-8 only with a BOM
	EncodingUTF8    Encoding = "utf8"
	EncodingGBK     Encoding = "gbk" // for older Chinese readers; a character GBK lacks is an error
)

// ParseEncoding checks an --encoding value.
func ParseEncoding(s string) (Encoding, error) {
	switch e := Encoding(strings.ToLower(s)); e {
	case EncodingUTF8BOM, EncodingUTF8, EncodingGBK:
		return e, nil
	case "":
		return EncodingUTF8BOM, nil
	}
	return "", fmt.Errorf("%w: encoding %q: want utf8-bom, utf8 or gbk", ErrInvalidOptions, s)
}

// Filter selects companies by date (YYYY-MM-DD, both ends included) and deletion.
type Filter struct {
	CreatedStart, CreatedEnd string
	UpdatedStart, UpdatedEnd string
	IncludeDeleted           bool
}

// SortField is what an export is sorted by.
type SortField string

// Sort fields: the list's created_order/updated_order, the search's sort_by.
const (
	SortCreated SortField = "created"
	SortUpdated SortField = "updated"
)

// Sort orders an export. The zero value is the source's own order: ascending ids for the
// list, ascending createDT for a search.
type Sort struct {
	By    SortField     // "", SortCreated or SortUpdated
	Order bangwo8.Order // "" (asc), bangwo8.Asc or bangwo8.Desc
}

func (s Sort) order() bangwo8.Order {
	if s.Order == "" {
		return bangwo8.Asc
	}
	return s.Order
}

func (s Sort) check(ids bool) error {
	switch {
	case s.By != "" && s.By != SortCreated && s.By != SortUpdated:
		return fmt.Errorf("%w: sort %q: want created or updated", ErrInvalidOptions, string(s.By))
	case s.Order != "" && s.Order != bangwo8.Asc && s.Order != bangwo8.Desc:
		return fmt.Errorf("%w: order %q: want asc or desc", ErrInvalidOptions, string(s.Order))
	case s.Order != "" && s.By == "":
		return fmt.Errorf("%w: an order needs a sort (created or updated)", ErrInvalidOptions)
	case s.By != "" && ids:
		return fmt.Errorf("%w: ids are exported in the order given; a sort applies to the list or a query", ErrInvalidOptions)
	}
	return nil
}

// Progress is what an export reports as it goes, in the shape of every run of this module:
// Phase is "fetch" while pages arrive, "write" while a spool is written out; Done counts the
// companies written (or spooled) so far in the phase; Total is the companies to write in the
// "write" phase (0 when unknown); Pages counts the pages (or id chunks) consumed so far.
type Progress = tally.Progress

// Options describe one export.
type Options struct {
	Out      string           // the output file; its extension decides the format
	Mapping  *mapping.Mapping // nil: every documented field, then one column per custom key
	Encoding Encoding         // CSV only (an error with .xlsx); "" is EncodingUTF8BOM

	Filter Filter
	Query  string  // a search query instead of the list; exclusive with IDs
	IDs    []int64 // these companies instead of the list; exclusive with Query
	Sort   Sort    // the order of the list or the search; not with IDs

	// IncludePasswords adds the 服务密码 column to the default columns, which leave it out. A
	// mapping names its own columns: with one, the password is exported when the mapping names
	// it, and IncludePasswords is an error when it does not. A file that holds passwords is
	// created readable by its owner only (0600).
	IncludePasswords bool

	PerPage     int    // companies per list or search page; 0 is DefaultPerPage; an error with IDs
	Concurrency int    // pages fetched at once; 0 is 1
	StatePath   string // incremental state file; "" exports everything the filters select
	// Server (the base URL) and Account bind the state file to the service: a state written
	// against another is refused (*StateMismatchError). "" binds nothing.
	Server, Account string

	// SheetRows is the most rows a sheet holds, header included; 0 is MaxSheetRows. Tests
	// set it low to see the split into sheets.
	SheetRows int

	Progress func(Progress) // called from the writing goroutine; nil is none
	Logger   *slog.Logger   // warnings; nil is silent
}

// DefaultPerPage is the page size of an export: large pages mean few calls.
const DefaultPerPage = 500

// MaxSheetRows is the most rows an Excel sheet holds.
const MaxSheetRows = 1_048_576

// Check reports the first problem of o as an error matching ErrInvalidOptions, and fills in
// defaults.
func (o *Options) Check() error {
	if o.Out == "" {
		return fmt.Errorf("%w: no output file", ErrInvalidOptions)
	}
	format, err := FormatOf(o.Out)
	if err != nil {
		return err
	}
	switch {
	case format == FormatCSV:
		if o.Encoding, err = ParseEncoding(string(o.Encoding)); err != nil {
			return err
		}
	case o.Encoding != "":
		return fmt.Errorf("%w: encoding %s is for .csv files; an .xlsx workbook has no encoding to choose", ErrInvalidOptions, o.Encoding)
	}
	if o.Query != "" && len(o.IDs) > 0 {
		return fmt.Errorf("%w: a query and ids cannot be combined", ErrInvalidOptions)
	}
	if len(o.IDs) > 0 && o.PerPage != 0 {
		return fmt.Errorf("%w: per-page is for the list and a query; ids are fetched %d at a time", ErrInvalidOptions, bangwo8.MaxShowMany)
	}
	for _, d := range []struct{ name, v string }{
		{"created-start", o.Filter.CreatedStart}, {"created-end", o.Filter.CreatedEnd},
		{"updated-start", o.Filter.UpdatedStart}, {"updated-end", o.Filter.UpdatedEnd},
	} {
		if err := checkDay(d.name, d.v); err != nil {
			return err
		}
	}
	if s, e := o.Filter.CreatedStart, o.Filter.CreatedEnd; s != "" && e != "" && s > e {
		return fmt.Errorf("%w: created-start %s is after created-end %s", ErrInvalidOptions, s, e)
	}
	if s, e := o.Filter.UpdatedStart, o.Filter.UpdatedEnd; s != "" && e != "" && s > e {
		return fmt.Errorf("%w: updated-start %s is after updated-end %s", ErrInvalidOptions, s, e)
	}
	if o.IncludePasswords && o.Mapping != nil && len(o.Mapping.Secrets()) == 0 {
		return fmt.Errorf("%w: include-passwords adds 服务密码 to the default columns; the mapping names its own and has no servicepassword column: add one to it instead", ErrInvalidOptions)
	}
	if err := o.Sort.check(len(o.IDs) > 0); err != nil {
		return err
	}
	switch {
	case o.PerPage == 0 && len(o.IDs) > 0: // ids come in chunks of show_many
	case o.PerPage == 0:
		o.PerPage = DefaultPerPage
	case o.PerPage < 1 || o.PerPage > bangwo8.MaxPerPage:
		return fmt.Errorf("%w: per-page %d: want 1..%d", ErrInvalidOptions, o.PerPage, bangwo8.MaxPerPage)
	}
	if o.Concurrency == 0 {
		o.Concurrency = 1
	}
	if o.Concurrency < 0 {
		return fmt.Errorf("%w: concurrency %d must be at least 1", ErrInvalidOptions, o.Concurrency)
	}
	if o.SheetRows == 0 {
		o.SheetRows = MaxSheetRows
	}
	if o.SheetRows < 2 || o.SheetRows > MaxSheetRows {
		return fmt.Errorf("%w: sheet rows %d: want 2..%d", ErrInvalidOptions, o.SheetRows, MaxSheetRows)
	}
	for _, id := range o.IDs {
		if id <= 0 {
			return fmt.Errorf("%w: id %d is not a company id", ErrInvalidOptions, id)
		}
	}
	return nil
}

// passwords reports whether the file holds the service passwords: the mapping names them, or
// the default columns were asked to.
func (o *Options) passwords() bool {
	if o.Mapping != nil {
		return len(o.Mapping.Secrets()) > 0
	}
	return o.IncludePasswords
}

// defaultColumns are the columns of an export without a mapping: every documented field and
// the custom keys, 服务密码 only when asked for.
func (o *Options) defaultColumns(customKeys []string) *mapping.Mapping {
	m := mapping.Default(customKeys)
	if !o.IncludePasswords {
		m = m.WithoutSecrets()
	}
	return m
}

// checkDay checks a YYYY-MM-DD flag value; "" is no bound.
func checkDay(name, v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(bangwo8.DateLayout, v); err != nil || len(v) != len(bangwo8.DateLayout) {
		return fmt.Errorf("%w: %s %q is not a day YYYY-MM-DD", ErrInvalidOptions, name, v)
	}
	return nil
}

// ParseIDs reads an --ids value: positive integers separated by commas (spaces allowed).
// Repeats are dropped, the first kept, so each company is exported once.
func ParseIDs(s string) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, err := strconv.ParseInt(part, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%w: ids: element %d %q is not a company id", ErrInvalidOptions, i+1, part)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w: ids %q names no company", ErrInvalidOptions, s)
	}
	return ids, nil
}

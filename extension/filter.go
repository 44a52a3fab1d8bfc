package extension

import (
	"regexp"
	"slices"
	"strings"
)

// Placeholder is an owner value the page fills in.
type Placeholder string

const (
	PlaceholderContact Placeholder = "user.cId"          // the contact of the page
	PlaceholderCompany Placeholder = "company.companyId" // the company of the page
)

// placeholderRE takes {{name}} with spaces anywhere inside the braces, as the vendor writes
// them: { {company.companyId} }.
var placeholderRE = regexp.MustCompile(`^\{\s*\{\s*([^{}\s]*)\s*\}\s*\}$`)

// parsePlaceholder tells whether v is meant as a placeholder (it has a brace) and whether it
// is one of the two the vendor knows.
func parsePlaceholder(v string) (ph Placeholder, isPlaceholder, known bool) {
	if !strings.ContainsAny(v, "{}") {
		return "", false, false
	}
	m := placeholderRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return "", true, false
	}
	switch ph := Placeholder(m[1]); ph {
	case PlaceholderContact, PlaceholderCompany:
		return ph, true, true
	}
	return Placeholder(m[1]), true, false
}

// ownerTypeFor is the ownerType whose owner a placeholder gives.
func ownerTypeFor(ph Placeholder) string {
	if ph == PlaceholderContact {
		return OwnerContact
	}
	return OwnerCompany
}

// ownerConds returns the last ownerType and owner conditions (the ones that count), or nil.
func ownerConds(conds []Cond) (ownerType, owner *Cond) {
	for i := range conds {
		switch conds[i].Field {
		case OwnerTypeField:
			ownerType = &conds[i]
		case OwnerField:
			owner = &conds[i]
		}
	}
	return ownerType, owner
}

// Page is the context the extension opens in: the ids of the page's company and contact,
// "" when the page has none (a company page has no contact).
type Page struct {
	CompanyID string
	ContactID string
}

// Row is one asset row: field key -> value, with IDField, OwnerTypeField and OwnerField.
type Row map[string]string

// Filter is a configuration's filter with its placeholders resolved for one page.
type Filter struct {
	conds     []Cond // fuzzy conditions
	ownerType string // exact; "" when the owner pair does not apply
	owner     string // exact; "" for ownerType alone
	// OwnerNote says why the owner pair does not apply, when it does not: for reports.
	OwnerNote string
	// EmptyPlaceholder is set when the owner is a placeholder the page leaves empty: the page
	// then shows all rows, while an import takes it as an owner that does not exist yet.
	EmptyPlaceholder bool
}

// FilterFor resolves the configuration's filter for page, applying the owner rules: owner
// without ownerType, or a placeholder whose value on the page is empty, drops the
// ownerType/owner pair (all rows show, as far as the other conditions allow); ownerType alone
// keeps the rows of that owner type.
func (c Config) FilterFor(page Page) Filter {
	var f Filter
	ownerType, owner := ownerConds(c.Filter)
	for _, x := range c.Filter {
		if x.Field != OwnerTypeField && x.Field != OwnerField {
			f.conds = append(f.conds, x)
		}
	}
	typ, who := "", ""
	if ownerType != nil {
		typ = ownerType.Value
	}
	if owner != nil {
		who = owner.Value
	}
	if ph, isPh, known := parsePlaceholder(who); isPh {
		switch {
		case !known:
			who = "" // refused by Parse; never matched as a literal
			f.OwnerNote = "unknown placeholder: no owner filter"
		case ph == PlaceholderContact:
			who = page.ContactID
		default:
			who = page.CompanyID
		}
		if who == "" {
			f.EmptyPlaceholder = known
			if f.OwnerNote == "" {
				f.OwnerNote = "{{" + string(ph) + "}} is empty on this page: no owner filter"
			}
			return f
		}
	}
	switch {
	case typ == "" && who != "":
		f.OwnerNote = "owner without ownerType: no owner filter"
	default:
		f.ownerType, f.owner = typ, who
	}
	return f
}

// Keep reports whether the filter keeps row: every fuzzy condition's value is contained in
// the row's field (ignoring case), and the owner pair, when it applies, equals the row's.
func (f Filter) Keep(row Row) bool {
	if f.ownerType != "" && row[OwnerTypeField] != f.ownerType {
		return false
	}
	if f.owner != "" && row[OwnerField] != f.owner {
		return false
	}
	for _, c := range f.conds {
		if !containsFold(row[c.Field], c.Value) {
			return false
		}
	}
	return true
}

// Owner returns the owner pair the filter applies ("" when it does not).
func (f Filter) Owner() (ownerType, owner string) { return f.ownerType, f.owner }

// containsFold reports whether s contains sub, ignoring case (Unicode simple folding).
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// Columns returns the columns to show of a table whose fields are all (in table order):
// Display in its order, or all when Display is empty; unknown lists display names the table
// lacks (they are not shown).
func (c Config) Columns(all []string) (shown, unknown []string) {
	if len(c.Display) == 0 {
		return slices.Clone(all), nil
	}
	for _, d := range c.Display {
		if slices.Contains(all, d) || d == IDField {
			shown = append(shown, d)
		} else {
			unknown = append(unknown, d)
		}
	}
	return shown, unknown
}

// Assignment is one company field a picked asset row fills.
type Assignment struct {
	Company string `json:"company"` // the company custom field key
	Asset   string `json:"asset"`   // the asset field it comes from
	Value   string `json:"value"`
}

// Assign returns what picking row writes into the company: one assignment per cPara pair, in
// cPara order; a field the row lacks gives "".
func (c Config) Assign(row Row) []Assignment {
	out := make([]Assignment, len(c.CPara))
	for i, p := range c.CPara {
		out[i] = Assignment{Company: p.Company, Asset: p.Asset, Value: row[p.Asset]}
	}
	return out
}

// Choose applies pick to the rows a filter kept: one is taken; none gives ok false and no
// error; several give an error under PickError.
func (c Config) Choose(kept []Row) (row Row, ok bool, err error) {
	switch {
	case len(kept) == 0:
		return nil, false, nil
	case len(kept) == 1:
		return kept[0], true, nil
	case c.Pick == PickFirst:
		return kept[0], true, nil
	case c.Pick == PickLast:
		return kept[len(kept)-1], true, nil
	}
	return nil, false, &SeveralError{N: len(kept), IDs: ids(kept, 5)}
}

// SeveralError is the filter keeping several asset rows where one is needed.
type SeveralError struct {
	N   int
	IDs []string // the first few _id
}

func (e *SeveralError) Error() string {
	more := ""
	if e.N > len(e.IDs) {
		more = ", ..."
	}
	return "the extension's filter keeps " + itoa(e.N) + " assets (_id " + strings.Join(e.IDs, ", ") + more +
		"): set pick: first or last in the mapping's extension, or narrow the filter"
}

func ids(rows []Row, n int) []string {
	out := make([]string, 0, min(n, len(rows)))
	for _, r := range rows[:min(n, len(rows))] {
		out = append(out, r[IDField])
	}
	return out
}

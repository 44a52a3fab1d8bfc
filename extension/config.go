package extension

import (
	"strconv"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8/field"
)

// Params are the extension's parameters as written, from the page URL or a mapping file.
// Pick is the backfill's own and never part of the URL.
type Params struct {
	TableID   string
	TableName string
	CPara     string
	Filter    string
	Display   string
	Pick      string
}

// Config is a checked extension configuration.
type Config struct {
	TableID   int64  // 0 when not given
	TableName string // "" when not given; wins over TableID
	CPara     []Pair
	Filter    []Cond   // in the order written
	Display   []string // nil: all columns
	Pick      Pick
}

// Pair is one entry of cPara: the asset field whose value fills the company custom field.
type Pair struct {
	Asset   string // an asset field key, or IDField
	Company string // a company custom field key
}

// Cond is one entry of filter.
type Cond struct {
	Field string
	Value string
}

// IDField is the asset row's id, in cPara and in rows.
const IDField = "_id"

// Owner fields of an asset row and of filter.
const (
	OwnerTypeField = "ownerType"
	OwnerField     = "owner"
)

// Owner types of ownerType.
const (
	OwnerContact = "contacter"
	OwnerCompany = "company"
)

// Pick says which asset the backfill takes when the filter keeps several.
type Pick string

const (
	PickError Pick = "error" // the row is invalid (the default)
	PickFirst Pick = "first"
	PickLast  Pick = "last"
)

// ParsePick reads a pick value; "" is PickError.
func ParsePick(s string) (Pick, bool) {
	switch Pick(strings.TrimSpace(s)) {
	case "", PickError:
		return PickError, true
	case PickFirst:
		return PickFirst, true
	case PickLast:
		return PickLast, true
	}
	return "", false
}

// Parse checks p against every rule of the vendor text and returns the configuration with
// every problem found, errors and warnings (see the package documentation). The Config is
// usable only when the problems hold no Error.
func Parse(p Params) (Config, Problems) {
	var c Config
	var col collector
	checkFullWidth(p, &col)
	parseTable(&c, p, &col)
	c.CPara = parseCPara(p.CPara, &col)
	c.Filter = parseFilter(p.Filter, &col)
	c.Display = parseDisplay(p.Display, &col)
	pick, ok := ParsePick(p.Pick)
	if !ok {
		col.add(Error, RulePick, "pick", p.Pick, "write pick: error, first or last",
			"must be error, first or last")
	}
	c.Pick = pick
	return c, col.problems
}

func parseTable(c *Config, p Params, col *collector) {
	id, name := strings.TrimSpace(p.TableID), strings.TrimSpace(p.TableName)
	if id == "" && name == "" {
		col.add(Error, RuleTableRequired, "tableId", "",
			"add tableName=<the asset table's unique key> (or tableId=<its id>)",
			"tableId or tableName is required: the extension must know its asset table")
		return
	}
	if id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			col.add(Error, RuleTableID, "tableId", p.TableID,
				"write the asset table's id as digits (tableId=7), or use tableName",
				"must be a positive whole number")
		} else {
			c.TableID = n
		}
	}
	c.TableName = name
	if id != "" && name != "" {
		col.add(Warning, RuleTableBoth, "tableName", name,
			"give only one of them, or make sure tableId "+id+" is the table "+name,
			"tableId and tableName are both given: when they point to different tables, tableName wins")
	}
}

// fullWidth are the punctuation marks a Chinese input method types for the ones the vendor
// reads: this toolkit takes them (see splitPairs), the vendor's page may not.
const fullWidth = "：，"

// checkFullWidth warns of full-width punctuation in the parameters made of pairs and lists.
func checkFullWidth(p Params, col *collector) {
	for _, param := range []struct{ name, value string }{{"cPara", p.CPara}, {"filter", p.Filter}, {"display", p.Display}} {
		if !strings.ContainsAny(param.value, fullWidth) {
			continue
		}
		canonical := strings.NewReplacer("，", ",", "：", ":").Replace(param.value)
		col.add(Warning, RuleFullWidth, param.name, param.value,
			"type half-width punctuation: "+param.name+"="+canonical,
			"full-width ：or ， (a Chinese input method's): the vendor's configuration separates with half-width : and ,")
	}
}

// splitPairs splits "a:b,c:d" into trimmed pairs at the first colon of each; empty entries
// (a trailing comma) are skipped. Full-width commas and colons are taken too: Chinese input
// methods type them.
func splitPairs(s string) []string {
	s = strings.NewReplacer("，", ",", "：", ":").Replace(s)
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func parseCPara(s string, col *collector) []Pair {
	parts := splitPairs(s)
	if len(parts) == 0 {
		col.add(Error, RuleCParaRequired, "cPara", "",
			"add cPara=asset_field_1:company_field (asset field : company custom field, pairs comma separated)",
			"cPara is required: it says which asset fields fill which company fields")
		return nil
	}
	var pairs []Pair
	targets := map[string]bool{}
	for _, part := range parts {
		asset, company, ok := strings.Cut(part, ":")
		asset, company = strings.TrimSpace(asset), strings.TrimSpace(company)
		if !ok || asset == "" || company == "" || strings.Contains(company, ":") {
			col.add(Error, RuleCParaPair, "cPara", part,
				"write asset_field:company_field, e.g. asset_field_1:company_price or _id:company_x",
				"a pair is an asset field key and a company custom field key separated by one colon")
			continue
		}
		if msg, fix := badTarget(company); msg != "" {
			col.add(Error, RuleCParaTarget, "cPara", part, fix, "%s", msg)
			continue
		}
		if targets[company] {
			col.add(Error, RuleCParaTarget, "cPara", part,
				"keep one pair per company field",
				"the company field %s is filled twice", company)
			continue
		}
		targets[company] = true
		pairs = append(pairs, Pair{Asset: asset, Company: company})
	}
	return pairs
}

// badTarget explains why key cannot be a target without knowing the account's fields.
func badTarget(key string) (msg, fix string) {
	switch {
	case key == IDField:
		return "_id is the asset row's id: it can only be the asset side of a pair",
			"put _id first (_id:company_x) and a company custom field key second"
	case strings.HasPrefix(key, "custom."):
		return "a target is the custom field key itself, without custom.",
			"write " + strings.TrimPrefix(key, "custom.")
	case key == "custom_fields":
		return "a target is one custom field key", "write the key of a single-line text custom field"
	}
	if _, ok := field.Lookup(field.Key(key)); ok {
		return "targets must be company custom fields of single-line text, not the built-in field " + key,
			"create a single-line text custom field for this value and name its key"
	}
	return "", ""
}

func parseFilter(s string, col *collector) []Cond {
	var conds []Cond
	for _, part := range splitPairs(s) {
		field, value, ok := strings.Cut(part, ":")
		field, value = strings.TrimSpace(field), strings.TrimSpace(value)
		if !ok || field == "" {
			col.add(Error, RuleFilterPair, "filter", part,
				"write field:value, e.g. asset_field_2:北京 or ownerType:company,owner:{{company.companyId}}",
				"a condition is an asset field key and a value separated by a colon")
			continue
		}
		if _, isPh, _ := parsePlaceholder(value); isPh && field != OwnerField {
			col.add(Warning, RulePlaceholder, "filter", part,
				"use the placeholder in owner (with ownerType), or write the value itself",
				"placeholders are filled in owner only: here the braces are matched as text")
		}
		conds = append(conds, Cond{Field: field, Value: value})
	}
	ownerType, owner := ownerConds(conds)
	checkOwner(ownerType, owner, col)
	return conds
}

func checkOwner(ownerType, owner *Cond, col *collector) {
	if ownerType != nil && ownerType.Value != "" && ownerType.Value != OwnerContact && ownerType.Value != OwnerCompany {
		col.add(Error, RuleOwnerType, "filter", "ownerType:"+ownerType.Value,
			"write ownerType:company (the owner is a company) or ownerType:contacter (a contact)",
			"ownerType must be contacter or company")
	}
	if owner == nil || owner.Value == "" {
		return
	}
	ph, isPlaceholder, known := parsePlaceholder(owner.Value)
	if isPlaceholder && !known {
		col.add(Error, RulePlaceholder, "filter", "owner:"+owner.Value,
			"write {{company.companyId}} (the company of the page) or {{user.cId}} (its contact), or a literal id",
			"unknown or malformed placeholder")
		return
	}
	if ownerType == nil || ownerType.Value == "" {
		col.add(Warning, RuleOwnerWithoutType, "filter", "owner:"+owner.Value,
			"add ownerType:"+ownerTypeFor(ph)+" beside owner",
			"owner is given without ownerType: the owner condition does not apply and all rows show")
		return
	}
	if isPlaceholder && ownerTypeFor(ph) != ownerType.Value {
		col.add(Warning, RulePlaceholderType, "filter", "owner:"+owner.Value,
			"use ownerType:"+ownerTypeFor(ph)+" with "+string(ph)+", or the placeholder of ownerType "+ownerType.Value,
			"the placeholder gives the id of a %s, but ownerType is %s: rows are unlikely to match",
			ownerTypeFor(ph), ownerType.Value)
	}
}

func parseDisplay(s string, col *collector) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for part := range strings.SplitSeq(strings.ReplaceAll(s, "，", ","), ",") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
			col.add(Warning, RuleDisplay, "display", s, "remove the extra comma", "an empty column name is ignored")
		case seen[part]:
			col.add(Warning, RuleDisplay, "display", part, "name each column once", "the column is named twice")
		default:
			seen[part] = true
			out = append(out, part)
		}
	}
	return out
}

// Params returns the configuration's parameters in their canonical spelling: the inverse of
// Parse for a configuration without problems.
func (c Config) Params() Params {
	var p Params
	if c.TableID != 0 {
		p.TableID = strconv.FormatInt(c.TableID, 10)
	}
	p.TableName = c.TableName
	pairs := make([]string, len(c.CPara))
	for i, x := range c.CPara {
		pairs[i] = x.Asset + ":" + x.Company
	}
	p.CPara = strings.Join(pairs, ",")
	conds := make([]string, len(c.Filter))
	for i, x := range c.Filter {
		v := x.Value
		if ph, isPh, known := parsePlaceholder(v); isPh && known {
			v = "{{" + string(ph) + "}}"
		}
		conds[i] = x.Field + ":" + v
	}
	p.Filter = strings.Join(conds, ",")
	p.Display = strings.Join(c.Display, ",")
	if c.Pick != "" && c.Pick != PickError {
		p.Pick = string(c.Pick)
	}
	return p
}

// CheckTargets checks each cPara target with target, which returns a message and a fix when
// the key is not a single-line text custom field (from a mapping: no custom.<key> text
// column).
func (c Config) CheckTargets(target func(key string) (msg, fix string)) Problems {
	var col collector
	for _, x := range c.CPara {
		if msg, fix := target(x.Company); msg != "" {
			col.add(Error, RuleCParaTarget, "cPara", x.Asset+":"+x.Company, fix, "%s", msg)
		}
	}
	return col.problems
}

package extension

import (
	"net/url"
	"strconv"
	"strings"
)

// PagePath is the path of the extension page on the vendor's site (and the sandbox's).
const PagePath = "/osp2016/SDK/Tables/ticketAssetTable.php"

// DefaultBaseURL is the vendor's site.
const DefaultBaseURL = "https://www.bangwo8.com"

// paramNames are the vendor's parameters, spelled as the page reads them.
var paramNames = []string{"tableId", "tableName", "cPara", "filter", "display"}

// ParseURL reads the parameters of the extension page's URL: a whole URL, or only its query
// (with or without "?"). Values may be percent-encoded or written as they are (spaces,
// braces, Chinese); "+" is a space only in a value that is percent-encoded elsewhere too, as a
// browser encodes it. Unknown and mis-cased parameters, repeated ones and another path are
// reported as warnings; the last of a repeated parameter counts, as in PHP.
func ParseURL(raw string) (Params, Problems) {
	var col collector
	raw = strings.TrimSpace(raw)
	query := raw
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		query = raw[i+1:]
		if i > 0 {
			checkPath(raw[:i], &col)
		}
	} else if strings.Contains(raw, "://") || strings.HasPrefix(raw, "/") {
		checkPath(raw, &col)
		query = ""
	}
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query = query[:i]
	}
	var p Params
	seen := map[string]bool{}
	for part := range strings.SplitSeq(query, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, v = unescape(k), unescape(v)
		dst := p.field(k)
		if dst == nil {
			fix := "remove it: the page ignores it"
			for _, name := range paramNames {
				if strings.EqualFold(name, k) {
					fix = "write " + name + ": parameter names are case-sensitive"
				}
			}
			col.add(Warning, RuleUnknownParam, k, v, fix, "unknown parameter")
			continue
		}
		if seen[k] {
			col.add(Warning, RuleDuplicateParam, k, v, "give "+k+" once", "given twice: the last one counts")
		}
		seen[k] = true
		*dst = v
	}
	return p, col.problems
}

// field returns the parameter named k (exact spelling), or nil.
func (p *Params) field(k string) *string {
	switch k {
	case "tableId":
		return &p.TableID
	case "tableName":
		return &p.TableName
	case "cPara":
		return &p.CPara
	case "filter":
		return &p.Filter
	case "display":
		return &p.Display
	}
	return nil
}

func checkPath(s string, col *collector) {
	u, err := url.Parse(s)
	if err != nil {
		col.add(Warning, RuleURL, "url", s, "use "+DefaultBaseURL+PagePath+"?...", "not a URL: %v", err)
		return
	}
	if u.Path != PagePath {
		col.add(Warning, RuleURL, "url", u.Path, "use the path "+PagePath,
			"the extension page's path is %s", PagePath)
	}
}

// unescape decodes percent-encoding when the text is encoded, and leaves text written as it is
// alone: a "%" that starts no escape, or a "+" in text without any escape, stays.
func unescape(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// URL builds the extension page's URL for c on base ("" for the vendor's site): the
// parameters in the vendor's order, placeholders in their plain spelling, values
// percent-encoded except the characters that read well and are safe in a query (: , . _ -).
func (c Config) URL(base string) string {
	if base == "" {
		base = DefaultBaseURL
	}
	p := c.Params()
	var q []string
	add := func(k, v string) {
		if v != "" {
			q = append(q, k+"="+escape(v))
		}
	}
	if c.TableID != 0 {
		add("tableId", strconv.FormatInt(c.TableID, 10))
	}
	add("tableName", p.TableName)
	add("cPara", p.CPara)
	add("filter", p.Filter)
	add("display", p.Display)
	return strings.TrimRight(base, "/") + PagePath + "?" + strings.Join(q, "&")
}

func escape(s string) string {
	var b strings.Builder
	for _, r := range []byte(s) {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9',
			r == ':', r == ',', r == '.', r == '_', r == '-':
			b.WriteByte(r)
		default:
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(r)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

package sandbox

import (
	"encoding/json"
	"strconv"
)

// The vendor's examples, read literally, differ from the shapes this sandbox serves by
// default (see doc.go). With Config.VendorShapes it answers as the examples do, so that a
// client is rehearsed against both readings:
//
//   - the list and a single company (GET): ids and numbers as strings ("uId":"9516936",
//     "supportId":"0"), userGroup "" for none, no status and no url;
//   - show_many: as the list, but uId a number ("uId": 1);
//   - a create or an update: the resource example's shape: uId a number, url, dates without
//     time ("createDT": "2016-12-21"), no status;
//   - search: pages of the default size (100) whatever per_page asks (the parameter table
//     has none), count the size of the page, next_page a link without per_page,
//     previous_page null on the first page;
//   - empty dates are "0000-00-00", as in both modes.
//
// Deleted companies are told apart only by deStat: a record says nothing of it.

// shape is which of the vendor's examples an answer follows.
type shape int

const (
	shapeList     shape = iota // GET companies.json, GET companies/{id}.json
	shapeShowMany              // GET show_many.json
	shapeWrite                 // POST, PUT
)

// vendorJSON renders a stored company in the vendor's shape s.
func vendorJSON(uid int64, doc []byte, base string, s shape) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(doc, &m); err != nil {
		return companyJSON(uid, doc, base) // a stored document is always an object
	}
	delete(m, "status")
	id := strconv.FormatInt(uid, 10)
	m["uId"] = json.RawMessage(strconv.Quote(id))
	m["supportId"] = quoteNumber(m["supportId"])
	m["userGroup"] = quoteNumber(m["userGroup"])
	if string(m["userGroup"]) == `"0"` {
		m["userGroup"] = json.RawMessage(`""`)
	}
	switch s {
	case shapeShowMany:
		m["uId"] = json.RawMessage(id)
	case shapeWrite:
		m["uId"] = json.RawMessage(id)
		m["userGroup"] = m["userGroup"][1 : len(m["userGroup"])-1]
		if len(m["userGroup"]) == 0 {
			m["userGroup"] = json.RawMessage("0")
		}
		m["url"] = json.RawMessage(strconv.Quote(companyURL(base, uid)))
		for _, k := range []string{"createDT", "updateDT"} {
			var dt string
			if json.Unmarshal(m[k], &dt) == nil && len(dt) > len("2006-01-02") {
				m[k] = json.RawMessage(strconv.Quote(dt[:len("2006-01-02")]))
			}
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		return companyJSON(uid, doc, base)
	}
	return out
}

// quoteNumber turns a JSON number into a string of it; anything else stays as it is.
func quoteNumber(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || raw[0] == '"' {
		return raw
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err != nil {
		return raw
	}
	return json.RawMessage(strconv.Quote(string(raw)))
}

package extension

import (
	"slices"
	"testing"
)

var assetRows = []Row{
	{"_id": "1", "ownerType": "company", "owner": "1000001", "model": "X200 Pro", "city": "北京"},
	{"_id": "2", "ownerType": "company", "owner": "10000011", "model": "x200", "city": "上海"},
	{"_id": "3", "ownerType": "contacter", "owner": "501", "model": "Y300", "city": "北京"},
	{"_id": "4", "ownerType": "company", "owner": "1000002", "model": "Z9", "city": "北京市"},
	{"_id": "5", "model": "X201"}, // no owner
}

func keptIDs(c Config, page Page) []string {
	f := c.FilterFor(page)
	var out []string
	for _, r := range assetRows {
		if f.Keep(r) {
			out = append(out, r["_id"])
		}
	}
	return out
}

func TestFilterRules(t *testing.T) {
	company := Page{CompanyID: "1000001", ContactID: "501"}
	tests := []struct {
		name   string
		filter string
		page   Page
		want   []string
		note   bool // the owner pair does not apply
	}{
		{"no filter: all rows", "", company, []string{"1", "2", "3", "4", "5"}, false},
		{"company placeholder", "ownerType:company,owner:{{company.companyId}}", company, []string{"1"}, false},
		{"vendor spacing", "ownerType:company,owner:{ {company.companyId} }", company, []string{"1"}, false},
		{"owner is exact, not fuzzy", "ownerType:company,owner:1000001", Page{}, []string{"1"}, false},
		{"contact placeholder", "ownerType:contacter,owner:{{user.cId}}", company, []string{"3"}, false},
		{"empty company placeholder: all rows", "ownerType:company,owner:{{company.companyId}}", Page{ContactID: "501"}, []string{"1", "2", "3", "4", "5"}, true},
		{"empty contact placeholder: all rows", "ownerType:contacter,owner:{ {user.cId} }", Page{CompanyID: "1000001"}, []string{"1", "2", "3", "4", "5"}, true},
		{"empty placeholder keeps other conditions", "ownerType:company,owner:{{company.companyId}},city:北京", Page{}, []string{"1", "3", "4"}, true},
		{"owner without ownerType: all rows", "owner:1000001", company, []string{"1", "2", "3", "4", "5"}, true},
		{"owner without ownerType, placeholder", "owner:{{company.companyId}}", company, []string{"1", "2", "3", "4", "5"}, true},
		{"ownerType alone", "ownerType:contacter", company, []string{"3"}, false},
		{"empty ownerType and owner: no owner filter", "ownerType:,owner:", company, []string{"1", "2", "3", "4", "5"}, false},
		{"empty ownerType with owner: all rows", "ownerType:,owner:501", company, []string{"1", "2", "3", "4", "5"}, true},
		{"empty owner value: ownerType alone", "ownerType:company,owner:", company, []string{"1", "2", "4"}, false},
		{"fuzzy contains, ignoring case", "model:x20", company, []string{"1", "2", "5"}, false},
		{"fuzzy Chinese", "city:北京", company, []string{"1", "3", "4"}, false},
		{"fuzzy on _id", "_id:4", company, []string{"4"}, false},
		{"conditions combine", "model:x,city:北京", company, []string{"1"}, false},
		{"same field twice: both hold", "model:x,model:pro", company, []string{"1"}, false},
		{"owner and fuzzy", "ownerType:company,owner:{{company.companyId}},model:Z", Page{CompanyID: "1000002"}, []string{"4"}, false},
		{"unknown field keeps rows with empty value only when value empty", "color:", company, []string{"1", "2", "3", "4", "5"}, false},
		{"unknown field", "color:red", company, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := Parse(Params{TableName: "d", CPara: "_id:x", Filter: tt.filter})
			if got := keptIDs(c, tt.page); !slices.Equal(got, tt.want) {
				t.Fatalf("kept %v, want %v", got, tt.want)
			}
			if note := c.FilterFor(tt.page).OwnerNote; (note != "") != tt.note {
				t.Fatalf("owner note %q, want one: %v", note, tt.note)
			}
		})
	}
}

func TestColumns(t *testing.T) {
	all := []string{"model", "city", "price"}
	tests := []struct {
		display       string
		shown, unknow []string
	}{
		{"", all, nil},
		{"city,model", []string{"city", "model"}, nil},
		{"price,_id,color", []string{"price", "_id"}, []string{"color"}},
	}
	for _, tt := range tests {
		c, _ := Parse(Params{TableName: "d", CPara: "_id:x", Display: tt.display})
		shown, unknown := c.Columns(all)
		if !slices.Equal(shown, tt.shown) || !slices.Equal(unknown, tt.unknow) {
			t.Errorf("display %q: shown %v unknown %v, want %v %v", tt.display, shown, unknown, tt.shown, tt.unknow)
		}
	}
}

func TestAssignAndChoose(t *testing.T) {
	c, _ := Parse(Params{TableName: "d", CPara: "model:company_model,_id:company_asset,missing:company_m"})
	got := c.Assign(assetRows[0])
	want := []Assignment{{"company_model", "model", "X200 Pro"}, {"company_asset", "_id", "1"}, {"company_m", "missing", ""}}
	if !slices.Equal(got, want) {
		t.Fatalf("assign = %v", got)
	}
	for _, tt := range []struct {
		pick   Pick
		rows   []Row
		wantID string
		ok     bool
		err    bool
	}{
		{PickError, nil, "", false, false},
		{PickError, assetRows[:1], "1", true, false},
		{PickError, assetRows[:3], "", false, true},
		{PickFirst, assetRows[:3], "1", true, false},
		{PickLast, assetRows[:3], "3", true, false},
	} {
		c.Pick = tt.pick
		row, ok, err := c.Choose(tt.rows)
		if ok != tt.ok || (err != nil) != tt.err || row[IDField] != tt.wantID {
			t.Errorf("pick %s of %d: %v %v %v", tt.pick, len(tt.rows), row, ok, err)
		}
	}
	c.Pick = PickError
	_, _, err := c.Choose(assetRows)
	if err == nil || err.Error() != "the extension's filter keeps 5 assets (_id 1, 2, 3, 4, 5): set pick: first or last in the mapping's extension, or narrow the filter" {
		t.Fatalf("error = %v", err)
	}
}

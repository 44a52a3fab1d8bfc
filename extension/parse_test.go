package extension

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// rulesOf lists "severity:rule" of each problem, in order.
func rulesOf(ps Problems) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Severity.String()+":"+string(p.Rule))
	}
	return out
}

func TestParseRules(t *testing.T) {
	const cpara = "asset_field_1:company_model"
	tests := []struct {
		name  string
		p     Params
		rules []string // nil: no problem
	}{
		{"tableName only", Params{TableName: "devices", CPara: cpara}, nil},
		{"tableId only", Params{TableID: "7", CPara: cpara}, nil},
		{"both ids: tableName wins, warned", Params{TableID: "7", TableName: "devices", CPara: cpara}, []string{"warning:table_both"}},
		{"neither id", Params{CPara: cpara}, []string{"error:table_required"}},
		{"blank ids", Params{TableID: " ", TableName: "  ", CPara: cpara}, []string{"error:table_required"}},
		{"tableId not a number", Params{TableID: "seven", CPara: cpara}, []string{"error:table_id"}},
		{"tableId zero", Params{TableID: "0", CPara: cpara}, []string{"error:table_id"}},
		{"tableId negative with tableName", Params{TableID: "-1", TableName: "d", CPara: cpara}, []string{"error:table_id", "warning:table_both"}},
		{"cPara missing", Params{TableName: "d"}, []string{"error:cpara_required"}},
		{"cPara only commas", Params{TableName: "d", CPara: " , ,"}, []string{"error:cpara_required"}},
		{"cPara with _id", Params{TableName: "d", CPara: "_id:company_x,asset_field_1:company_price"}, nil},
		{"cPara full-width separators", Params{TableName: "d", CPara: "_id：company_x，asset_field_1：company_price"}, []string{"warning:full_width"}},
		{"filter and display full-width", Params{TableName: "d", CPara: cpara, Filter: "ownerType：company", Display: "a，b"}, []string{"warning:full_width", "warning:full_width"}},
		{"cPara pair without colon", Params{TableName: "d", CPara: "asset_field_1"}, []string{"error:cpara_pair"}},
		{"cPara empty side", Params{TableName: "d", CPara: ":company_x,asset_field_1:"}, []string{"error:cpara_pair", "error:cpara_pair"}},
		{"cPara two colons", Params{TableName: "d", CPara: "a:b:c"}, []string{"error:cpara_pair"}},
		{"cPara _id as target", Params{TableName: "d", CPara: "asset_field_1:_id"}, []string{"error:cpara_target"}},
		{"cPara built-in target", Params{TableName: "d", CPara: "asset_field_1:companyName"}, []string{"error:cpara_target"}},
		{"cPara custom. prefix", Params{TableName: "d", CPara: "asset_field_1:custom.company_x"}, []string{"error:cpara_target"}},
		{"cPara target twice", Params{TableName: "d", CPara: "a:x,b:x"}, []string{"error:cpara_target"}},
		{"filter absent", Params{TableName: "d", CPara: cpara}, nil},
		{"filter empty", Params{TableName: "d", CPara: cpara, Filter: "  "}, nil},
		{"fuzzy filter", Params{TableName: "d", CPara: cpara, Filter: "asset_field_2:北京,asset_field_3:X"}, nil},
		{"filter pair without colon", Params{TableName: "d", CPara: cpara, Filter: "asset_field_2"}, []string{"error:filter_pair"}},
		{"filter empty field", Params{TableName: "d", CPara: cpara, Filter: ":x"}, []string{"error:filter_pair"}},
		{"company owner placeholder", Params{TableName: "d", CPara: cpara, Filter: "ownerType:company,owner:{{company.companyId}}"}, nil},
		{"vendor spacing", Params{TableName: "d", CPara: cpara, Filter: "ownerType:company,owner:{ {company.companyId} }"}, nil},
		{"contact owner placeholder", Params{TableName: "d", CPara: cpara, Filter: "ownerType:contacter,owner:{ {user.cId} }"}, nil},
		{"literal owner id", Params{TableName: "d", CPara: cpara, Filter: "ownerType:company,owner:1000001"}, nil},
		{"ownerType alone", Params{TableName: "d", CPara: cpara, Filter: "ownerType:contacter"}, nil},
		{"bad ownerType", Params{TableName: "d", CPara: cpara, Filter: "ownerType:user,owner:5"}, []string{"error:owner_type"}},
		{"owner without ownerType", Params{TableName: "d", CPara: cpara, Filter: "owner:{{company.companyId}}"}, []string{"warning:owner_without_type"}},
		{"owner with empty ownerType", Params{TableName: "d", CPara: cpara, Filter: "ownerType:,owner:42"}, []string{"warning:owner_without_type"}},
		{"empty ownerType alone: no filter", Params{TableName: "d", CPara: cpara, Filter: "ownerType:"}, nil},
		{"placeholder outside owner", Params{TableName: "d", CPara: cpara, Filter: "asset_field_2:{{company.companyId}}"}, []string{"warning:placeholder"}},
		{"empty owner", Params{TableName: "d", CPara: cpara, Filter: "ownerType:company,owner:"}, nil},
		{"unknown placeholder", Params{TableName: "d", CPara: cpara, Filter: "ownerType:company,owner:{{company.id}}"}, []string{"error:placeholder"}},
		{"malformed placeholder", Params{TableName: "d", CPara: cpara, Filter: "ownerType:company,owner:{{company.companyId}"}, []string{"error:placeholder"}},
		{"placeholder of the other type", Params{TableName: "d", CPara: cpara, Filter: "ownerType:company,owner:{{user.cId}}"}, []string{"warning:placeholder_type"}},
		{"display", Params{TableName: "d", CPara: cpara, Display: "asset_field_1,asset_field_2"}, nil},
		{"display repeated and empty", Params{TableName: "d", CPara: cpara, Display: "a,,a"}, []string{"warning:display", "warning:display"}},
		{"pick first", Params{TableName: "d", CPara: cpara, Pick: "first"}, nil},
		{"pick bad", Params{TableName: "d", CPara: cpara, Pick: "any"}, []string{"error:pick"}},
		{"everything wrong", Params{TableID: "x", Filter: "owner:{{x}}"}, []string{"error:table_id", "error:cpara_required", "error:placeholder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ps := Parse(tt.p)
			if got := rulesOf(ps); !slices.Equal(got, tt.rules) {
				t.Fatalf("rules = %v, want %v\n%v", got, tt.rules, ps)
			}
			for _, p := range ps {
				if p.Fix == "" || p.Message == "" || p.Param == "" {
					t.Errorf("problem without message, fix or param: %+v", p)
				}
			}
			if (ps.Err() != nil) != slices.ContainsFunc(ps, func(p Problem) bool { return p.Severity == Error }) {
				t.Errorf("Err() = %v with problems %v", ps.Err(), ps)
			}
		})
	}
}

func TestParseConfig(t *testing.T) {
	c, ps := Parse(Params{TableID: " 7 ", TableName: "devices", CPara: "asset_field_1:company_model, _id:company_asset",
		Filter: "ownerType:company, owner:{ {company.companyId} }, asset_field_2:北京", Display: "asset_field_1, asset_field_2", Pick: "last"})
	if err := ps.Err(); err != nil {
		t.Fatal(err)
	}
	want := Config{TableID: 7, TableName: "devices",
		CPara:   []Pair{{"asset_field_1", "company_model"}, {"_id", "company_asset"}},
		Filter:  []Cond{{"ownerType", "company"}, {"owner", "{ {company.companyId} }"}, {"asset_field_2", "北京"}},
		Display: []string{"asset_field_1", "asset_field_2"}, Pick: PickLast}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("config = %+v\nwant %+v", c, want)
	}
	p := c.Params()
	if p.Filter != "ownerType:company,owner:{{company.companyId}},asset_field_2:北京" || p.CPara != "asset_field_1:company_model,_id:company_asset" || p.Pick != "last" {
		t.Fatalf("canonical params = %+v", p)
	}
}

func TestCheckTargets(t *testing.T) {
	c, _ := Parse(Params{TableName: "d", CPara: "a:text_field,b:list_field,_id:missing"})
	ps := c.CheckTargets(func(key string) (string, string) {
		switch key {
		case "text_field":
			return "", ""
		case "list_field":
			return "custom.list_field is a list column, not text", "make it type: text"
		}
		return "no column maps custom." + key, "add a text column for custom." + key
	})
	if got := rulesOf(ps); !slices.Equal(got, []string{"error:cpara_target", "error:cpara_target"}) {
		t.Fatalf("rules = %v", got)
	}
	if ps[0].Value != "b:list_field" || ps[1].Value != "_id:missing" {
		t.Fatalf("values = %q, %q", ps[0].Value, ps[1].Value)
	}
}

func TestProblemString(t *testing.T) {
	_, ps := Parse(Params{TableName: "d", CPara: "asset_field_1"})
	got := ps[0].String()
	for _, want := range []string{"error [cpara_pair] cPara \"asset_field_1\"", "fix: write asset_field:company_field"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}

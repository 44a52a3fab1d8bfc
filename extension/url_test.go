package extension

import (
	"slices"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		want  Params
		rules []string
	}{
		{"plain", "https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableName=devices&cPara=_id:company_x&filter=ownerType:company,owner:{ {company.companyId} }",
			Params{TableName: "devices", CPara: "_id:company_x", Filter: "ownerType:company,owner:{ {company.companyId} }"}, nil},
		{"percent-encoded", "https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableId=7&cPara=asset_field_1%3Acompany_price%2C_id%3Acompany_x&filter=ownerType%3Acompany%2Cowner%3A%7B+%7Bcompany.companyId%7D+%7D&display=asset_field_1",
			Params{TableID: "7", CPara: "asset_field_1:company_price,_id:company_x", Filter: "ownerType:company,owner:{ {company.companyId} }", Display: "asset_field_1"}, nil},
		{"query only", "tableName=设备&cPara=a:b", Params{TableName: "设备", CPara: "a:b"}, nil},
		{"query with ?", "?tableName=d&cPara=a:b#top", Params{TableName: "d", CPara: "a:b"}, nil},
		{"plus kept when not encoded", "tableName=a+b&cPara=x:y", Params{TableName: "a+b", CPara: "x:y"}, nil},
		{"bad escape kept", "tableName=100%&cPara=x:y", Params{TableName: "100%", CPara: "x:y"}, nil},
		{"mis-cased name", "tablename=d&cPara=x:y", Params{CPara: "x:y"}, []string{"warning:unknown_param"}},
		{"unknown name", "tableName=d&cPara=x:y&foo=1", Params{TableName: "d", CPara: "x:y"}, []string{"warning:unknown_param"}},
		{"repeated: last counts", "tableName=a&tableName=b&cPara=x:y", Params{TableName: "b", CPara: "x:y"}, []string{"warning:duplicate_param"}},
		{"other path", "https://www.bangwo8.com/other.php?tableName=d&cPara=x:y", Params{TableName: "d", CPara: "x:y"}, []string{"warning:url"}},
		{"no query", "https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php", Params{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ps := ParseURL(tt.url)
			if p != tt.want {
				t.Fatalf("params = %+v\nwant %+v", p, tt.want)
			}
			if got := rulesOf(ps); !slices.Equal(got, tt.rules) {
				t.Fatalf("rules = %v, want %v", got, tt.rules)
			}
		})
	}
}

func TestURLRoundTrip(t *testing.T) {
	c, ps := Parse(Params{TableID: "7", TableName: "设备 表", CPara: "asset_field_1:company_price,_id:company_x",
		Filter: "ownerType:company,owner:{ {company.companyId} },asset_field_2:北京&上海", Display: "asset_field_1"})
	if ps.Err() != nil {
		t.Fatal(ps.Err())
	}
	u := c.URL("")
	const want = "https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableId=7&tableName=%E8%AE%BE%E5%A4%87%20%E8%A1%A8" +
		"&cPara=asset_field_1:company_price,_id:company_x&filter=ownerType:company,owner:%7B%7Bcompany.companyId%7D%7D,asset_field_2:%E5%8C%97%E4%BA%AC%26%E4%B8%8A%E6%B5%B7&display=asset_field_1"
	if u != want {
		t.Fatalf("url =\n%s\nwant\n%s", u, want)
	}
	p, ps := ParseURL(u)
	if len(ps) != 0 {
		t.Fatal(ps)
	}
	back, _ := Parse(p)
	if back.URL("") != u {
		t.Fatalf("round trip: %s", back.URL(""))
	}
	if got := c.URL("http://127.0.0.1:8080/"); got[:len("http://127.0.0.1:8080/osp2016")] != "http://127.0.0.1:8080/osp2016" {
		t.Fatalf("base: %s", got)
	}
}

func FuzzParseURL(f *testing.F) {
	f.Add("https://www.bangwo8.com/osp2016/SDK/Tables/ticketAssetTable.php?tableName=d&cPara=a:b&filter=ownerType:company,owner:{ {company.companyId} }")
	f.Add("tableId=%ZZ&cPara=%&filter=owner:{{")
	f.Add("?&&=&cPara=：，,:&display=,,")
	f.Fuzz(func(t *testing.T, raw string) {
		p, _ := ParseURL(raw)
		c, ps := Parse(p)
		if ps.Err() != nil {
			return
		}
		// A configuration without errors survives its own URL.
		p2, _ := ParseURL(c.URL(""))
		c2, ps2 := Parse(p2)
		if ps2.Err() != nil {
			t.Fatalf("own URL %s: %v", c.URL(""), ps2.Err())
		}
		if c2.URL("") != c.URL("") {
			t.Fatalf("URL changed: %s -> %s", c.URL(""), c2.URL(""))
		}
		f := c.FilterFor(Page{CompanyID: "1", ContactID: "2"})
		f.Keep(Row{"_id": "1"})
	})
}

package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// manyFixtures are n companies with the accounts acc-1..acc-n.
func manyFixtures(n int) []byte {
	var parts []string
	for i := 1; i <= n; i++ {
		parts = append(parts, fmt.Sprintf(`{"uId": %d, "companyName": "公司%d", "serviceaccount": "acc-%d"}`, 1000+i, i, i))
	}
	return []byte(`{"companies": [` + strings.Join(parts, ",") + `]}`)
}

// capPerPage makes the sandbox serve at most max companies a page, whatever per_page asks.
func capPerPage(max int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > max {
				q.Set("per_page", strconv.Itoa(max))
				r.URL.RawQuery = q.Encode()
			}
			next.ServeHTTP(w, r)
		})
	}
}

// errorIn200 answers every list and search call with an error in a 200.
func errorIn200(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && !strings.Contains(r.URL.Path, "show_many") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"error": "ServiceUnavailable", "description": "系统维护中"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// An upsert against a server that caps per_page or answers errors with 200 finds every
// existing company or fails: it never plans a create for a company it did not see.
func TestUpsertLookupCannotDouble(t *testing.T) {
	for _, tt := range []struct {
		name       string
		match      string
		rows       int // > SmallLookup: one pass through the list; else a search per key
		middleware func(http.Handler) http.Handler
		wantErr    string
	}{
		{"list, per_page capped", "serviceaccount", SmallLookup + 1, capPerPage(100), ""},
		// A name search matches by "contains": 公司1 finds 公司10..公司19 too, over pages of 4.
		{"search, per_page capped", "companyName", 30, capPerPage(4), ""},
		{"list, error in a 200", "serviceaccount", SmallLookup + 1, errorIn200, "系统维护中"},
		{"search, error in a 200", "companyName", 30, errorIn200, "系统维护中"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, c, cnt := newSandbox(t, sandboxtest.WithFixtures(manyFixtures(tt.rows)), sandboxtest.WithConfig(func(cfg *sandbox.Config) {
				cfg.Middleware = append(cfg.Middleware, tt.middleware)
			}))
			rows := [][]string{testHeader}
			for i := 1; i <= tt.rows; i++ {
				name, account := fmt.Sprintf("公司%d", i), fmt.Sprintf("acc-%d", i)
				if tt.match == "companyName" {
					account += "-new"
				} else {
					name += "改"
				}
				rows = append(rows, []string{"", name, account, "", "", "", ""})
			}
			in := tempPath(t, "in.xlsx")
			writeXLSX(t, in, "", strRows(rows), false)
			rep := tempPath(t, "report.csv")
			sum, err := Import(context.Background(), c, in, testMapping(t, tt.match), Options{Mode: ModeUpsert, Report: rep})
			if posts := cnt.posts.Load(); posts != 0 {
				t.Fatalf("%d creates: duplicates of existing companies", posts)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if cnt.puts.Load() != 0 {
					t.Fatalf("%d updates after a failed lookup", cnt.puts.Load())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[report.Action]int{}
			for _, r := range readReport(t, rep) {
				got[r.Action]++
			}
			if got[report.ActionUpdated] != tt.rows || sum.Created != 0 {
				t.Fatalf("report %v, summary %+v", got, sum)
			}
		})
	}
}

// TestKeeperKeepsWhatThePlanReads: of an existing company, the mapped fields, the name,
// account and status are kept, copied; the rest is dropped.
func TestKeeperKeepsWhatThePlanReads(t *testing.T) {
	c := &bangwo8.Company{UID: 7, URL: "https://x/7.json", CompanyName: "甲公司", ServiceAccount: "acc-7", Status: bangwo8.StatusDeleted,
		ServiceStartTime: "2020-01-02", ServiceCharge: "3.50", ServicePassword: "pw", Address: "not mapped", SupportID: 9,
		CustomFields: []bangwo8.CustomField{{Key: "field_1", Value: bangwo8.List("北京市", "海淀区")}, {Key: "field_99", Value: bangwo8.Text("not mapped")}},
		Extra:        map[string]json.RawMessage{"multiServiceList": json.RawMessage(`[1,2,3]`)}}
	k := keeperOf(testMapping(t, "serviceaccount"))
	got := k.unpack(k.pack(c))
	want := &bangwo8.Company{UID: 7, CompanyName: "甲公司", ServiceAccount: "acc-7", Status: bangwo8.StatusDeleted,
		ServiceStartTime: "2020-01-02", ServiceCharge: "3.50", ServicePassword: "pw",
		CustomFields: []bangwo8.CustomField{{Key: "field_1", Value: bangwo8.List("北京市", "海淀区")}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kept\n%+v\nwant\n%+v", got, want)
	}
	if unsafe.StringData(got.CompanyName) == unsafe.StringData(c.CompanyName) {
		t.Error("the name shares its bytes with the answer's")
	}
}

// TestKeeperRoundTrip: with every field mapped, a company comes back from its packing as it
// was (less what no column maps: its URL, its vendor fields), whatever its values.
func TestKeeperRoundTrip(t *testing.T) {
	m := mapping.Default([]string{"text", "empty", "list", "one", "none"})
	k := keeperOf(m)
	for _, c := range []bangwo8.Company{
		{},
		{UID: 1, CompanyName: "甲", ServiceAccount: "00123", SupportID: 42, UserGroup: -7, ServiceStartTime: "2020-01-02", ServiceEndTime: "2021-02-03",
			UserURL: "u", ServeNote: "多行\n备注\x00", ServiceCharge: "0.00", ServicePassword: "p", Address: "地址", CreateDT: "2020-01-01 00:00:00",
			UpdateDT: "2020-01-02 00:00:00", TableName: "a,b", Province: "北京", City: "海淀", Status: bangwo8.StatusActive, ServiceGroupID: "3",
			CustomFields: []bangwo8.CustomField{{Key: "text", Value: bangwo8.Text("值")}, {Key: "empty", Value: bangwo8.Text("")},
				{Key: "list", Value: bangwo8.List("a", "", "c")}, {Key: "one", Value: bangwo8.List("x")}, {Key: "none", Value: bangwo8.List()}}},
		{UID: 1 << 60, CompanyName: strings.Repeat("长", 300), CustomFields: []bangwo8.CustomField{{Key: "not mapped", Value: bangwo8.Text("x")}}},
	} {
		want := c
		want.CustomFields = slices.DeleteFunc(slices.Clone(c.CustomFields), func(f bangwo8.CustomField) bool { return f.Key == "not mapped" })
		if len(want.CustomFields) == 0 {
			want.CustomFields = nil
		}
		if got := k.unpack(k.pack(&c)); !reflect.DeepEqual(got, &want) {
			t.Errorf("round trip\n got %+v\nwant %+v", got, &want)
		}
	}
}

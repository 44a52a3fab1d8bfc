package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/samples"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

func TestExportRunsWithFiltersAndIsDownloaded(t *testing.T) {
	c := newConsoleOn(t, sandboxtest.NewServer(t, sandboxtest.WithSeed(60, 3)))
	hc := c.browser()
	if got := c.postJSON(hc, "/api/exports", exportRequest{CreatedStart: "2020-13-01"}, nil); got != http.StatusBadRequest {
		t.Errorf("a bad date: %d; want 400 before any run", got)
	}
	for _, format := range []string{"xlsx", "csv"} {
		var started map[string]string
		if got := c.postJSON(hc, "/api/exports", exportRequest{Mapping: samples.Mapping, Format: format}, &started); got != http.StatusAccepted {
			t.Fatalf("export: %d", got)
		}
		st := c.follow(hc, started["id"])
		if st.Error != "" || !slices.Contains(st.Files, "out") || !strings.Contains(st.Result, "60") {
			t.Fatalf("export: %+v", st)
		}
		res, err := hc.Get(c.srv.URL + "/api/runs/" + started["id"] + "/files/out")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "companies."+format) {
			t.Errorf("download: %s %v", res.Status, res.Header)
		}
	}
}

func TestExtensionURLCheckedOrBuilt(t *testing.T) {
	c := newConsole(t)
	hc := c.browser()
	var a extensionAnswer
	if got := c.postJSON(hc, "/api/extension", map[string]any{"params": map[string]string{
		"table_name": "devices", "cpara": "asset_field_1:field_9,_id:field_10", "filter": "ownerType:company,owner:{{company.companyId}}",
	}}, &a); got != http.StatusOK {
		t.Fatalf("build: %d", got)
	}
	if !a.OK || !strings.Contains(a.URL, "tableName=devices&cPara=asset_field_1:field_9,_id:field_10&filter=ownerType:company,owner:") {
		t.Errorf("built %+v", a)
	}
	// The URL built checks as it was built.
	var again extensionAnswer
	c.postJSON(hc, "/api/extension", map[string]string{"url": a.URL}, &again)
	if !again.OK || again.URL != a.URL {
		t.Errorf("the built URL checked again: %+v", again)
	}
	if c.postJSON(hc, "/api/extension", map[string]any{"params": map[string]string{"cpara": "asset_field_1:companyName"}}, &a); a.OK || len(a.Problems) == 0 {
		t.Errorf("a configuration without a table and with a built-in target: %+v", a)
	}
	for _, p := range a.Problems {
		if p.Fix == "" && p.Severity == "错误" {
			t.Errorf("an error without its fix: %+v", p)
		}
	}
}

func TestNoRunStartsOnceTheConsoleCloses(t *testing.T) {
	c := newConsole(t)
	hc := c.browser()
	c.web.Close()
	if got := c.postJSON(hc, "/api/exports", exportRequest{}, nil); got != http.StatusInternalServerError {
		t.Errorf("an export after Close: %d; want 500", got)
	}
	if len(c.web.runs) != 0 {
		t.Errorf("runs after Close: %d", len(c.web.runs))
	}
}

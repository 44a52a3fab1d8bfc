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

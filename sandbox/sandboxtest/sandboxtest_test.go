package sandboxtest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/sandbox"
)

// TestNewServerServesAndStopsWithTheTest: the options shape the server, and when the test
// that started it ends the server is gone.
func TestNewServerServesAndStopsWithTheTest(t *testing.T) {
	var url string
	t.Run("serve", func(t *testing.T) {
		ts := NewServer(t, WithSeed(3, 1), WithConfig(func(c *sandbox.Config) { c.Account = "agent" }))
		url = ts.URL
		if ts.Account != "agent" || ts.Password != "secret" {
			t.Errorf("credentials %q/%q, want agent and the default password", ts.Account, ts.Password)
		}
		if n, err := ts.Store.Count(context.Background(), true); err != nil || n != 3 {
			t.Fatalf("%d companies (%v), want the 3 seeded", n, err)
		}
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/companies.json?deStat=1", nil)
		req.SetBasicAuth(ts.Account, ts.Password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var page struct{ Companies []json.RawMessage }
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.StatusCode != 200 || len(page.Companies) != 3 {
			t.Fatalf("status %d, %d companies (%v)", resp.StatusCode, len(page.Companies), err)
		}
	})
	if resp, err := http.Get(url + "/api/v1/companies.json"); err == nil {
		resp.Body.Close()
		t.Fatalf("the server still answers (%d) after its test ended", resp.StatusCode)
	}
}

func TestWithDBKeepsTheStoreForTheNextServer(t *testing.T) {
	path := t.TempDir() + "/s.db"
	t.Run("load", func(t *testing.T) {
		NewServer(t, WithDB(path), WithFixtures([]byte(`{"companies":[{"uId":7,"companyName":"甲"}]}`)))
	})
	ts := NewServer(t, WithDB(path))
	if n, err := ts.Store.Count(context.Background(), true); err != nil || n != 1 {
		t.Fatalf("%d companies (%v) in the reopened file, want 1", n, err)
	}
}

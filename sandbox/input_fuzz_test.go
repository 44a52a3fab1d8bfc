package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzLoadFixtures loads arbitrary bytes as a fixtures file: an error, or companies stored;
// all or nothing, and never a panic.
func FuzzLoadFixtures(f *testing.F) {
	f.Add([]byte(`{"companies": [{"uId": 3, "companyName": "甲", "createDT": "2020-01-01", "custom_fields": [{"key": "field_1", "value": ["a", "b"]}]}]}`))
	f.Add([]byte(`{"companies": [{"companyName": "乙"}, {"uId": "x"}]}`))
	f.Add([]byte(`{"companies": null}`))
	f.Add([]byte(`[]`))
	ctx := context.Background()
	store, err := OpenStore(ctx, "")
	if err != nil {
		f.Fatal(err)
	}
	defer store.Close()
	f.Fuzz(func(t *testing.T, data []byte) {
		before, err := store.Count(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.LoadFixtures(ctx, bytes.NewReader(data)); err != nil {
			if after, _ := store.Count(ctx, true); after != before {
				t.Fatalf("a refused file (%v) stored %d companies", err, after-before)
			}
		}
	})
}

// FuzzWriteBody sends arbitrary bodies to create and update: the answer is a success or a
// 4xx with a JSON error, never a 500 (the sandbox failing on what a client sent).
func FuzzWriteBody(f *testing.F) {
	f.Add([]byte(`{"company":{"companyName":"甲","custom_fields":[{"key":"field_1","value":["a"]}]}}`), false)
	f.Add([]byte(`{"company":{"status":"2","userGroup":1e99}}`), true)
	f.Add([]byte(`{"company":{"uId":1}}`), true)
	f.Add([]byte(`{"company":[]}`), false)
	f.Add([]byte(`nul`), true)
	ctx := context.Background()
	store, err := OpenStore(ctx, "")
	if err != nil {
		f.Fatal(err)
	}
	defer store.Close()
	if err := store.LoadFixtures(ctx, strings.NewReader(`{"companies":[{"uId":1,"companyName":"原"}]}`)); err != nil {
		f.Fatal(err)
	}
	h := newHandler(store, Config{Account: "a", Password: "p"})
	f.Fuzz(func(t *testing.T, body []byte, update bool) {
		method, path := http.MethodPost, "/api/v1/companies.json"
		if update {
			method, path = http.MethodPut, "/api/v1/companies/1.json"
		}
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("a", "p")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch {
		case rec.Code >= 500:
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body)
		case rec.Code >= 400:
			var e apiError
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Code == "" {
				t.Fatalf("%s %q: %d without a JSON error: %s", method, body, rec.Code, rec.Body)
			}
		}
	})
}

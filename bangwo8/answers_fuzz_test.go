package bangwo8

import (
	"strings"
	"testing"
	"time"
)

// The server's answers are outside input too: the Retry-After header and error bodies of any
// shape must be read without a panic, and a silly Retry-After bounded.

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "1", "120", "-5", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT", " 3 ", "1.5", "Fri, 27 Nov 2026 12:00:00 GMT"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d := parseRetryAfter(v, now)
		if d < 0 {
			t.Fatalf("Retry-After %q: %v, a negative wait", v, d)
		}
		if strings.TrimSpace(v) != "" && d > maxRetryAfterSeconds*time.Second && !strings.Contains(v, ",") {
			t.Fatalf("Retry-After %q: %v, above the bound", v, d)
		}
	})
}

func FuzzErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"error":"RecordInvalid","description":"x","details":{"companyName":["blank"]}}`,
		`{"errcode":40001,"errmsg":"bad"}`, `{"code":"0"}`, `{"details":[1,2]}`, `<html>502</html>`, ``, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := &APIError{StatusCode: 422}
		parseErrorBody(e, body)
		_ = e.Error()
		if be := bodyError(200, body); be != nil && (be.Code == "" || be.Code == "0") {
			t.Fatalf("body %q: an error with code %q", body, be.Code)
		}
	})
}

// A 2xx answer of any shape is a list or an error: an answer taken for a list has its key.
func FuzzListAnswer(f *testing.F) {
	for _, s := range []string{
		`{"companies": [{"uId": "1"}]}`, `{"companies": null}`, `{}`, `{"error": "X", "description": "y"}`,
		`{"errcode": 0, "companies": []}`, `{"results": [], "next_page": null, "count": "3"}`, `<html>`, `[]`, `null`,
		`{"companies": [], "error": false}`, `{"company": [{"uId": 1}]}`,
	} {
		f.Add([]byte(s))
	}
	c, err := NewClient("https://x")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var list companiesEnvelope
		if err := c.decode("GET", companiesPath, 200, body, &list); err == nil && !list.Companies.present {
			t.Fatalf("%q: a list without its key", body)
		}
		var search searchEnvelope
		if err := c.decode("GET", searchPath, 200, body, &search); err == nil && !search.Results.present {
			t.Fatalf("%q: a search without its key", body)
		}
		var one companyEnvelope
		if err := c.decode("POST", companiesPath, 200, body, &one); err == nil && !one.Company.present {
			t.Fatalf("%q: a company without its key", body)
		}
	})
}

// Paging ends every listing: whatever the pages, it is done or fails within a bounded number
// of pages once they are empty or repeat.
func FuzzPaging(f *testing.F) {
	f.Add(uint16(100), []byte{100, 100, 50, 0})
	f.Add(uint16(500), []byte{100, 100, 100, 7, 0})
	f.Add(uint16(2), []byte{2, 2, 1, 3})
	f.Fuzz(func(t *testing.T, perPage uint16, lengths []byte) {
		p := NewPaging(1, int(perPage%MaxPerPage)+1)
		next := int64(1)
		for i, n := range lengths {
			page, size := p.Next()
			if page < 1 || size < 1 {
				t.Fatalf("asks for page %d of %d", page, size)
			}
			ids := make([]int64, n)
			for j := range ids {
				ids[j] = next
				next++
			}
			take, done, err := p.Add(ids, NoEnd)
			if done || err != nil {
				if done && n != 0 && take {
					t.Fatalf("page %d of %d new companies ends the listing", i+1, n)
				}
				return
			}
		}
		// An empty page always ends it.
		if _, done, err := p.Add(nil, NoEnd); !done && err == nil {
			t.Fatal("an empty page did not end the listing")
		}
	})
}

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

package mapping

import (
	"testing"
	"time"
)

// FuzzCanonicalDateTime checks the fast reading of the API's own spellings against the
// regular expression every other spelling goes through.
func FuzzCanonicalDateTime(f *testing.F) {
	for _, s := range []string{"2017-01-02", "2017-01-02 10:00:00", "0000-00-00", "2023-02-31", "2023-02-28 24:00:00",
		"2023-13-01", "2023-12-01 23:59:60", "2023-1-01", "2023-01-01T10:00:00", "٢٠٢٣-01-01", "2023-01-01 1:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotTime, ok, gotErr := canonicalDateTime(s)
		if !ok {
			return
		}
		m := dateRE.FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("%q: read as canonical, but the regular expression refuses it", s)
		}
		want, wantErr := civil(m[1], m[2], m[3], m[4], m[5], m[6])
		if !got.Equal(want) || gotTime != (m[4] != "") || (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%q: canonical %v %v %v, regular expression %v %v %v", s, got, gotTime, gotErr, want, m[4] != "", wantErr)
		}
	})
}

func TestCanonicalDateTime(t *testing.T) {
	for _, tc := range []struct {
		s       string
		want    time.Time
		hasTime bool
		err, ok bool
	}{
		{"2017-01-02", time.Date(2017, 1, 2, 0, 0, 0, 0, time.UTC), false, false, true},
		{"2017-01-02 10:11:12", time.Date(2017, 1, 2, 10, 11, 12, 0, time.UTC), true, false, true},
		{"0000-00-00", time.Time{}, false, true, true},
		{"2023-02-31", time.Time{}, false, true, true},
		{"2023/02/01", time.Time{}, false, false, false},
		{" 2023-02-01", time.Time{}, false, false, false},
	} {
		got, hasTime, ok, err := canonicalDateTime(tc.s)
		if ok != tc.ok || (err != nil) != tc.err || hasTime != tc.hasTime || !got.Equal(tc.want) {
			t.Errorf("%q: %v %v %v %v", tc.s, got, hasTime, err, ok)
		}
	}
}

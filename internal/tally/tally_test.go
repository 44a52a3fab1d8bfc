package tally

import (
	"testing"
	"time"
)

func TestSecondsRoundsToTheHundredth(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want float64
	}{
		{0, 0},
		{1234 * time.Millisecond, 1.23},
		{1235 * time.Millisecond, 1.24},
		{90 * time.Second, 90},
		{4 * time.Millisecond, 0},
	} {
		if got := (Summary{Elapsed: tc.d}).Seconds(); got != tc.want {
			t.Errorf("Seconds of %v = %v, want %v", tc.d, got, tc.want)
		}
	}
}

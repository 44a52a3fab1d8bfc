package sandbox

import (
	"testing"
	"time"
)

// TestFaultDrawsAreReproducible checks that a seed fixes the faults of every request, and
// that their frequencies follow the probabilities.
func TestFaultDrawsAreReproducible(t *testing.T) {
	f := Faults{Error500: 0.1, RateLimit429: 0.05, LostResponse: 0.05, Reset: 0.03, Slow: 0.2, SlowFor: time.Millisecond, Seed: 42}
	sequence := func(f Faults) []fault {
		fi := NewFaultInjector(f)
		out := make([]fault, 10000)
		for i := range out {
			kind, slow := fi.draw()
			out[i] = kind
			if slow {
				out[i] += 100
			}
		}
		return out
	}
	a, b := sequence(f), sequence(f)
	count := map[fault]int{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %v then %v with the same seed", i, a[i], b[i])
		}
		count[a[i]%100]++
		if a[i] >= 100 {
			count[-1]++
		}
	}
	want := map[fault]float64{faultError500: 0.1, faultRateLimit429: 0.05, faultLostResponse: 0.05, faultReset: 0.03, -1: 0.2}
	for k, p := range want {
		// 10,000 draws: the standard deviation is at most 40; 5 of them is generous.
		if got := count[k]; float64(got) < p*10000-200 || float64(got) > p*10000+200 {
			t.Errorf("fault %d drawn %d times in 10000, want about %v", k, got, p*10000)
		}
	}
	f.Seed = 43
	c := sequence(f)
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same == len(a) {
		t.Error("another seed drew the same faults")
	}
}

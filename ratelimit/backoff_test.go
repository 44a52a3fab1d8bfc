package ratelimit

import (
	"testing"
	"time"
)

func TestBackoffCeiling(t *testing.T) {
	b := NewBackoff(100*time.Millisecond, 2*time.Second, 1)
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{-3, 100 * time.Millisecond},
		{0, 100 * time.Millisecond},
		{1, 100 * time.Millisecond},
		{2, 200 * time.Millisecond},
		{3, 400 * time.Millisecond},
		{5, 1600 * time.Millisecond},
		{6, 2 * time.Second},
		{64, 2 * time.Second},
		{1 << 30, 2 * time.Second}, // no overflow
	}
	for _, tt := range tests {
		if got := b.ceiling(tt.attempt); got != tt.want {
			t.Errorf("ceiling(%d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}

func TestBackoffFullJitterBounds(t *testing.T) {
	b := NewBackoff(10*time.Millisecond, time.Second, 42)
	for attempt := 1; attempt <= 10; attempt++ {
		ceiling := b.ceiling(attempt)
		var lowHalf, highHalf int
		for range 200 {
			d := b.Duration(attempt)
			if d < 0 || d > ceiling {
				t.Fatalf("Duration(%d) = %v, outside [0, %v]", attempt, d, ceiling)
			}
			if d < ceiling/2 {
				lowHalf++
			} else {
				highHalf++
			}
		}
		// Full jitter: both halves of the range are used (200 draws; odds of failing ~2^-200).
		if lowHalf == 0 || highHalf == 0 {
			t.Errorf("attempt %d: draws all in one half (%d low, %d high)", attempt, lowHalf, highHalf)
		}
	}
}

func TestBackoffSeedIsReproducible(t *testing.T) {
	a, b := NewBackoff(0, 0, 7), NewBackoff(0, 0, 7)
	for i := 1; i <= 20; i++ {
		if x, y := a.Duration(i), b.Duration(i); x != y {
			t.Fatalf("same seed, attempt %d: %v != %v", i, x, y)
		}
	}
}

func TestBackoffDefaults(t *testing.T) {
	b := NewBackoff(0, 0, 0)
	if got := b.ceiling(1); got != DefaultBackoffBase {
		t.Errorf("default base = %v", got)
	}
	if got := b.ceiling(100); got != DefaultBackoffMax {
		t.Errorf("default max = %v", got)
	}
	if got := NewBackoff(time.Second, time.Millisecond, 1).ceiling(3); got != time.Second {
		t.Errorf("max below base: ceiling = %v, want base", got)
	}
}

func TestPacerBackoffUsesConfig(t *testing.T) {
	p := New(Config{BackoffBase: time.Millisecond, BackoffMax: 4 * time.Millisecond, Seed: 3})
	for i := 1; i < 10; i++ {
		if d := p.Backoff(i); d < 0 || d > 4*time.Millisecond {
			t.Fatalf("Backoff(%d) = %v, outside [0, 4ms]", i, d)
		}
	}
}

package ratelimit

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Defaults of a Backoff.
const (
	DefaultBackoffBase = 250 * time.Millisecond
	DefaultBackoffMax  = 30 * time.Second
)

// Backoff computes retry delays: exponential growth with full jitter, capped. Full jitter
// (a uniform pick in [0, cap]) spreads the retries of many workers that failed together, so
// they do not come back in one wave. It is safe for concurrent use.
type Backoff struct {
	base, max time.Duration

	mu  sync.Mutex // guards rnd: rand.Rand is not safe for concurrent use
	rnd *rand.Rand
}

// NewBackoff returns a Backoff growing from base up to max (defaults for values <= 0) with its
// own jitter source seeded by seed; seed 0 picks a random seed.
func NewBackoff(base, max time.Duration, seed uint64) *Backoff {
	if base <= 0 {
		base = DefaultBackoffBase
	}
	if max <= 0 {
		max = DefaultBackoffMax
	}
	if max < base {
		max = base
	}
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &Backoff{base: base, max: max, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// ceiling returns the largest delay Duration can return for attempt: base*2^(attempt-1),
// capped at max. Attempts below 1 count as 1.
func (b *Backoff) ceiling(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := b.base
	for i := 1; i < attempt; i++ {
		if d >= b.max/2 { // doubling would pass max (and, far enough, overflow)
			return b.max
		}
		d *= 2
	}
	return min(d, b.max)
}

// Duration returns the delay before retry number attempt (1 = the first retry): uniform in
// [0, ceiling(attempt)].
func (b *Backoff) Duration(attempt int) time.Duration {
	ceiling := b.ceiling(attempt)
	b.mu.Lock()
	defer b.mu.Unlock()
	return time.Duration(b.rnd.Int64N(int64(ceiling) + 1))
}

// Package ratelimit paces calls to a rate-limited API across many workers.
//
// One Pacer is shared by every worker of a run. Before each call a worker waits on it
// (Wait); after each call it reports the outcome (Observe). The pacer spaces calls with a token
// bucket (golang.org/x/time/rate); a 429 pauses every worker until the server's Retry-After
// has passed and steps the rate down; successes climb it back to the configured rate, a little
// per call (additive increase, multiplicative decrease, as TCP does). Server errors and network
// failures are the caller's business: they say nothing about the rate, so the caller backs
// off on its own (Backoff) without slowing the others.
//
// The design follows rclone's lib/pacer, with the sleep moved from the caller into Wait.
package ratelimit

import (
	"context"
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of a Config.
const (
	defaultDecreaseFactor   = 0.5
	defaultRetryAfter       = time.Second
	defaultMinRPSFraction   = 10 // MinRPS = RPS/10
	defaultIncreaseFraction = 50 // IncreasePerSuccess = RPS/50: half rate to full in 25 calls
	defaultBurst            = 1
)

// Config sets up a Pacer. The zero value is an unlimited pacer that still honours 429 pauses.
type Config struct {
	// RPS is the target rate in calls per second; <= 0 means no spacing at all.
	RPS float64
	// Burst is how many calls may go at once after a quiet spell; default 1.
	Burst int
	// MinRPS is the floor the rate never steps below; default RPS/10.
	MinRPS float64
	// DecreaseFactor multiplies the rate on a 429; in (0, 1), default 0.5.
	DecreaseFactor float64
	// IncreasePerSuccess is added to the rate after each successful call, up to RPS;
	// default RPS/50.
	IncreasePerSuccess float64
	// DefaultRetryAfter is the pause after a 429 that names no Retry-After; default 1s.
	DefaultRetryAfter time.Duration
	// MaxRetryAfter caps the pause one 429 can impose, whatever its Retry-After says (the
	// pace has stepped down by then, so the calls resume slower); <= 0 is no cap.
	MaxRetryAfter time.Duration
	// BackoffBase and BackoffMax bound Backoff; defaults DefaultBackoffBase, DefaultBackoffMax.
	BackoffBase, BackoffMax time.Duration
	// Seed seeds the jitter of Backoff; 0 picks a random seed.
	Seed uint64
	// Clock is the time source; nil is the system clock.
	Clock Clock
}

// withDefaults returns c with every unset or invalid value replaced by its default.
func (c Config) withDefaults() Config {
	if math.IsNaN(c.RPS) || math.IsInf(c.RPS, 0) || c.RPS < 0 {
		c.RPS = 0
	}
	if c.Burst < 1 {
		c.Burst = defaultBurst
	}
	if math.IsNaN(c.MinRPS) || c.MinRPS <= 0 {
		c.MinRPS = c.RPS / defaultMinRPSFraction
	}
	c.MinRPS = min(c.MinRPS, c.RPS)
	if math.IsNaN(c.DecreaseFactor) || c.DecreaseFactor <= 0 || c.DecreaseFactor >= 1 {
		c.DecreaseFactor = defaultDecreaseFactor
	}
	if math.IsNaN(c.IncreasePerSuccess) || c.IncreasePerSuccess <= 0 {
		c.IncreasePerSuccess = c.RPS / defaultIncreaseFraction
	}
	if c.DefaultRetryAfter <= 0 {
		c.DefaultRetryAfter = defaultRetryAfter
	}
	if c.Clock == nil {
		c.Clock = systemClock{}
	}
	return c
}

// Pacer is the shared pacer. All methods are safe for concurrent use.
type Pacer struct {
	cfg     Config
	clock   Clock
	backoff *Backoff
	limiter *rate.Limiter // nil when unlimited

	mu       sync.Mutex
	rate     float64   // current rate; cfg.RPS when nothing went wrong
	resumeAt time.Time // no call starts before this (set by a 429)
	stats    Stats
}

// New returns a pacer for cfg. Values that are unset or out of range take their defaults: the
// caller checks what a user gave it (cmd's flags do) before it gets here.
func New(cfg Config) *Pacer {
	cfg = cfg.withDefaults()
	p := &Pacer{
		cfg:     cfg,
		clock:   cfg.Clock,
		backoff: NewBackoff(cfg.BackoffBase, cfg.BackoffMax, cfg.Seed),
		rate:    cfg.RPS,
	}
	if cfg.RPS > 0 {
		p.limiter = rate.NewLimiter(rate.Limit(cfg.RPS), cfg.Burst)
	}
	return p
}

// Wait blocks until the caller may make its next call: after any 429 pause, then for its
// turn in the spacing. It returns ctx's error at once if ctx is done while waiting.
func (p *Pacer) Wait(ctx context.Context) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	slept := false
	defer func() {
		if err != nil {
			return
		}
		p.mu.Lock()
		p.stats.Calls++
		if slept {
			p.stats.Waits++
		}
		p.mu.Unlock()
	}()
	sleep := func(d time.Duration) error {
		slept = true
		p.mu.Lock()
		p.stats.Waited += d
		p.mu.Unlock()
		return p.clock.Sleep(ctx, d)
	}
	for {
		p.mu.Lock()
		now := p.clock.Now()
		if pause := p.resumeAt.Sub(now); pause > 0 {
			p.mu.Unlock()
			if err := sleep(pause); err != nil {
				return err
			}
			continue
		}
		if p.limiter == nil {
			p.mu.Unlock()
			return nil
		}
		r := p.limiter.ReserveN(now, 1) // always OK: burst >= 1
		delay := r.DelayFrom(now)
		p.mu.Unlock()
		if delay <= 0 {
			return nil
		}
		if err := sleep(delay); err != nil {
			r.CancelAt(p.clock.Now()) // give the turn back to the others
			return err
		}
		// A 429 seen by another worker while this one slept pauses it too: go round again,
		// and take a fresh turn after the pause so the workers do not resume in one wave.
		if !p.paused() {
			return nil
		}
	}
}

func (p *Pacer) paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.clock.Now().Before(p.resumeAt)
}

// Observe reports the outcome of a call: a 429 pauses everyone for retryAfter (or
// DefaultRetryAfter when it is <= 0) and steps the rate down; any other answer below 500 means
// the server kept up, and the rate climbs back a little. A 5xx, or 0 for a call that got no
// answer, changes nothing shared.
func (p *Pacer) Observe(status int, retryAfter time.Duration) {
	switch {
	case status == http.StatusTooManyRequests:
		p.rateLimited(retryAfter)
	case status >= 200 && status < 500:
		p.succeeded()
	}
}

// rateLimited records a 429: every Wait holds until now+retryAfter (at most MaxRetryAfter),
// and the rate is multiplied by DecreaseFactor (not below MinRPS) unless a pause is already in
// force, so that a burst of 429s from calls sent before the pause counts as one signal.
func (p *Pacer) rateLimited(retryAfter time.Duration) {
	if retryAfter <= 0 {
		retryAfter = p.cfg.DefaultRetryAfter
	}
	if p.cfg.MaxRetryAfter > 0 {
		retryAfter = min(retryAfter, p.cfg.MaxRetryAfter)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	p.stats.RateLimited++
	alreadyPaused := now.Before(p.resumeAt)
	if until := now.Add(retryAfter); until.After(p.resumeAt) {
		p.resumeAt = until
	}
	if alreadyPaused || p.limiter == nil {
		return
	}
	if stepped := max(p.rate*p.cfg.DecreaseFactor, p.cfg.MinRPS); stepped < p.rate {
		p.setRateLocked(now, stepped)
		p.stats.StepDowns++
	}
}

// succeeded records a call that the server answered without complaint about the rate: the rate
// climbs by IncreasePerSuccess, up to the configured RPS.
func (p *Pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limiter == nil || p.rate >= p.cfg.RPS {
		return
	}
	p.setRateLocked(p.clock.Now(), min(p.rate+p.cfg.IncreasePerSuccess, p.cfg.RPS))
}

func (p *Pacer) setRateLocked(now time.Time, r float64) {
	p.rate = r
	p.limiter.SetLimitAt(now, rate.Limit(r))
}

// Backoff returns the delay before retry number attempt (1 = the first retry) of a call that
// failed on its own (5xx, network): exponential with full jitter, capped at BackoffMax.
func (p *Pacer) Backoff(attempt int) time.Duration { return p.backoff.Duration(attempt) }

// Stats is a snapshot of a pacer's counters, for reports.
type Stats struct {
	Calls       int64         // Wait calls that let a call through
	Waits       int64         // of those, the ones that had to sleep
	Waited      time.Duration // total time slept in Wait, summed over workers
	RateLimited int64         // 429s observed
	StepDowns   int64         // times the rate was stepped down
	Rate        float64       // current rate (+Inf when unlimited)
}

// Stats returns the counters.
func (p *Pacer) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Rate = p.rate
	if p.limiter == nil {
		s.Rate = math.Inf(1)
	}
	return s
}

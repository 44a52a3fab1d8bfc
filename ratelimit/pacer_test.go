package ratelimit

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"
)

// fakeClock is virtual time: Sleep moves the clock forward at once and records the duration.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	slept   []time.Duration
	onSleep func(d time.Duration) // called (without the lock) before the clock moves
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.onSleep != nil {
		c.onSleep(d)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

func near(got, want time.Duration) bool {
	d := got - want
	return d > -time.Millisecond && d < time.Millisecond
}

func TestWaitSpacesCalls(t *testing.T) {
	clock := newFakeClock()
	p := New(Config{RPS: 10, Burst: 1, Clock: clock})
	start := clock.Now()
	for i := range 11 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatalf("wait %d: %v", i, err)
		}
	}
	slept := clock.Slept()
	if len(slept) != 10 {
		t.Fatalf("slept %d times, want 10 (the first call goes at once): %v", len(slept), slept)
	}
	for i, d := range slept {
		if !near(d, 100*time.Millisecond) {
			t.Errorf("sleep %d = %v, want 100ms", i, d)
		}
	}
	if el := clock.Now().Sub(start); !near(el, time.Second) {
		t.Errorf("11 calls at 10/s took %v of virtual time, want 1s", el)
	}
	s := p.Stats()
	if s.Calls != 11 || s.Waits != 10 || !near(s.Waited, time.Second) {
		t.Errorf("stats = %+v, want 11 calls, 10 waits, 1s waited", s)
	}
}

func TestWaitBurst(t *testing.T) {
	clock := newFakeClock()
	p := New(Config{RPS: 1, Burst: 3, Clock: clock})
	for range 3 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(clock.Slept()); n != 0 {
		t.Fatalf("the first 3 calls of a burst of 3 slept %d times", n)
	}
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := clock.Slept(); len(s) != 1 || !near(s[0], time.Second) {
		t.Fatalf("the 4th call slept %v, want [1s]", s)
	}
}

func TestUnlimitedNeverSleepsButHonoursPause(t *testing.T) {
	clock := newFakeClock()
	p := New(Config{Clock: clock})
	for range 100 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(clock.Slept()); n != 0 {
		t.Fatalf("an unlimited pacer slept %d times", n)
	}
	if r := p.Stats().Rate; !math.IsInf(r, 1) {
		t.Errorf("rate %v, want +Inf", r)
	}
	p.rateLimited(3 * time.Second)
	if r := p.Stats().Rate; !math.IsInf(r, 1) {
		t.Errorf("rate after a 429 %v, want +Inf (nothing to step down)", r)
	}
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := clock.Slept(); len(s) != 1 || s[0] != 3*time.Second {
		t.Fatalf("after a 429 with Retry-After 3s, slept %v", s)
	}
}

func TestRateLimitedPausesEveryWaiter(t *testing.T) {
	clock := newFakeClock()
	p := New(Config{RPS: 1000, Burst: 100, Clock: clock})
	start := clock.Now()
	p.rateLimited(5 * time.Second)
	// A shorter Retry-After never shortens a pause in force.
	p.rateLimited(time.Second)
	for i := range 3 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if now := clock.Now(); now.Before(start.Add(5 * time.Second)) {
			t.Fatalf("waiter %d went at %v, before the pause ended", i, now.Sub(start))
		}
	}
	if s := clock.Slept(); len(s) != 1 || s[0] != 5*time.Second {
		t.Errorf("slept %v, want [5s]: the first waiter sits the pause out, the others go after it", s)
	}
	if s := p.Stats(); s.RateLimited != 2 {
		t.Errorf("RateLimited = %d, want 2", s.RateLimited)
	}
}

func TestRateLimitedWithoutRetryAfterUsesDefault(t *testing.T) {
	clock := newFakeClock()
	p := New(Config{RPS: 10, DefaultRetryAfter: 7 * time.Second, Clock: clock})
	p.Observe(429, 0)
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := clock.Slept(); len(s) != 1 || s[0] != 7*time.Second {
		t.Fatalf("slept %v, want the default 7s", s)
	}
}

// MaxRetryAfter bounds the pause of one 429, with or without a Retry-After; the rate still
// steps down, so the calls resume slower.
func TestMaxRetryAfterCapsThePause(t *testing.T) {
	for _, tt := range []struct {
		name       string
		retryAfter time.Duration
		want       time.Duration
	}{
		{"long Retry-After", 10 * time.Minute, 50 * time.Millisecond},
		{"no Retry-After, long default", 0, 50 * time.Millisecond},
		{"short Retry-After", 20 * time.Millisecond, 20 * time.Millisecond},
	} {
		clock := newFakeClock()
		p := New(Config{RPS: 1000, Burst: 100, DefaultRetryAfter: time.Hour, MaxRetryAfter: 50 * time.Millisecond, Clock: clock})
		p.Observe(429, tt.retryAfter)
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s := clock.Slept(); len(s) != 1 || s[0] != tt.want {
			t.Errorf("%s: slept %v, want [%v]", tt.name, s, tt.want)
		}
		if st := p.Stats(); st.StepDowns != 1 || st.Rate != 500 {
			t.Errorf("%s: %d step-downs, rate %v; want 1, 500", tt.name, st.StepDowns, st.Rate)
		}
	}
}

// A worker already asleep for its turn when another worker sees a 429 must not go before the
// pause ends.
func TestPauseReachesAWaiterAlreadyAsleep(t *testing.T) {
	clock := newFakeClock()
	p := New(Config{RPS: 10, Burst: 1, Clock: clock})
	if err := p.Wait(context.Background()); err != nil { // takes the only token
		t.Fatal(err)
	}
	start := clock.Now()
	once := sync.Once{}
	clock.onSleep = func(time.Duration) { once.Do(func() { p.rateLimited(2 * time.Second) }) }
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if el := clock.Now().Sub(start); el < 2*time.Second {
		t.Fatalf("the sleeping waiter went after %v, inside the 2s pause", el)
	}
}

func TestStepDownAndClimbBack(t *testing.T) {
	clock := newFakeClock()
	p := New(Config{RPS: 8, MinRPS: 1, IncreasePerSuccess: 1.5, Clock: clock})
	step := func(want float64) {
		t.Helper()
		if got := p.Stats().Rate; got != want {
			t.Fatalf("rate %v, want %v", got, want)
		}
	}
	step(8)
	p.rateLimited(time.Second)
	step(4)
	p.rateLimited(time.Second) // same pause: one signal, no second step
	step(4)
	clock.Advance(2 * time.Second)
	p.rateLimited(time.Second)
	step(2)
	clock.Advance(2 * time.Second)
	p.rateLimited(time.Second)
	step(1)
	clock.Advance(2 * time.Second)
	p.rateLimited(time.Second)
	step(1) // the floor
	for _, want := range []float64{2.5, 4, 5.5, 7, 8, 8} {
		p.succeeded()
		step(want)
	}
	if s := p.Stats(); s.StepDowns != 3 || s.RateLimited != 5 || s.Rate != 8 {
		t.Errorf("stats = %+v, want 3 step downs, 5 rate limited, rate 8", s)
	}
}

func TestSteppedDownRateSlowsSpacing(t *testing.T) {
	clock := newFakeClock()
	p := New(Config{RPS: 10, Burst: 1, Clock: clock})
	p.rateLimited(time.Second) // rate 5/s, resume in 1s
	for range 3 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	slept := clock.Slept()
	if len(slept) < 3 {
		t.Fatalf("slept %v", slept)
	}
	// After the pause, calls are 200ms apart (5/s), not 100ms.
	last := slept[len(slept)-1]
	if !near(last, 200*time.Millisecond) {
		t.Fatalf("spacing after the step down = %v, want 200ms (all sleeps %v)", last, slept)
	}
}

func TestObserve(t *testing.T) {
	tests := []struct {
		status          int
		wantRateLimited int64
		wantRate        float64
	}{
		{429, 1, 5},
		{200, 0, 6}, // climbs from the stepped-down 5
		{201, 0, 6},
		{404, 0, 6}, // an answer: the server kept up
		{422, 0, 6},
		{500, 0, 5}, // says nothing about the rate
		{502, 0, 5},
		{0, 0, 5}, // no answer at all
	}
	for _, tt := range tests {
		clock := newFakeClock()
		p := New(Config{RPS: 10, MinRPS: 1, IncreasePerSuccess: 1, Clock: clock})
		p.rateLimited(time.Second)
		clock.Advance(2 * time.Second)
		if tt.status != 429 {
			p.Observe(tt.status, 0)
		} else {
			p.Observe(tt.status, time.Second)
			tt.wantRate = 2.5
		}
		s := p.Stats()
		if s.RateLimited-1 != tt.wantRateLimited || s.Rate != tt.wantRate {
			t.Errorf("Observe(%d): rate limited %d, rate %v; want %d, %v",
				tt.status, s.RateLimited-1, s.Rate, tt.wantRateLimited, tt.wantRate)
		}
	}
}

func TestWaitStopsOnCancel(t *testing.T) {
	p := New(Config{RPS: 10})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait on a cancelled context = %v", err)
	}

	// Real clock: a pause of an hour ends as soon as the context does.
	p.rateLimited(time.Hour)
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait during a pause = %v, want DeadlineExceeded", err)
	}
	if s := p.Stats(); s.Calls != 0 {
		t.Errorf("cancelled waits counted as calls: %+v", s)
	}
}

// A cancelled turn is handed back, so the next waiter does not pay for it.
func TestCancelledTurnIsReturned(t *testing.T) {
	clock := newFakeClock()
	p := New(Config{RPS: 1, Burst: 1, Clock: clock})
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	clock.onSleep = func(time.Duration) { cancel() }
	if err := p.Wait(ctx); err == nil {
		t.Fatal("Wait with a context cancelled while asleep returned nil")
	}
	clock.onSleep = nil
	before := len(clock.Slept())
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	slept := clock.Slept()[before:]
	if len(slept) != 1 || !near(slept[0], time.Second) {
		t.Fatalf("next waiter slept %v, want [1s] (not 2s)", slept)
	}
}

func TestConcurrentWaitersShareThePacer(t *testing.T) {
	p := New(Config{RPS: 2000, Burst: 1, MinRPS: 1000, DefaultRetryAfter: time.Millisecond})
	const workers, calls = 8, 25
	var want429 int64
	for w := range workers {
		for i := range calls {
			if (w+i)%10 == 0 {
				want429++
			}
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				if err := p.Wait(context.Background()); err != nil {
					t.Error(err)
					return
				}
				switch (w + i) % 10 {
				case 0:
					p.Observe(429, 0)
				case 5:
					p.Observe(500, 0)
				default:
					p.Observe(200, 0)
				}
				_ = p.Stats()
				_ = p.Backoff(i)
			}
		}()
	}
	wg.Wait()
	s := p.Stats()
	if s.Calls != workers*calls {
		t.Errorf("Calls = %d, want %d", s.Calls, workers*calls)
	}
	if s.RateLimited != want429 {
		t.Errorf("RateLimited = %d, want %d", s.RateLimited, want429)
	}
	if s.Rate < 1000 || s.Rate > 2000 {
		t.Errorf("Rate = %v, outside [MinRPS, RPS]", s.Rate)
	}
}

func TestRealPauseHoldsConcurrentWaiters(t *testing.T) {
	p := New(Config{})
	start := time.Now()
	p.rateLimited(30 * time.Millisecond)
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Wait(context.Background()); err != nil {
				t.Error(err)
			}
			if el := time.Since(start); el < 30*time.Millisecond {
				t.Errorf("a waiter went after %v, inside the 30ms pause", el)
			}
		}()
	}
	wg.Wait()
}

// New replaces what is unset or out of range by defaults: the pacer it makes works.
func TestNewTakesDefaultsForBadValues(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantRate float64
	}{
		{"zero", Config{}, math.Inf(1)},
		{"typical", Config{RPS: 5, Burst: 2, MinRPS: 0.5}, 5},
		{"negative rps", Config{RPS: -1}, math.Inf(1)},
		{"NaN rps", Config{RPS: math.NaN()}, math.Inf(1)},
		{"inf rps", Config{RPS: math.Inf(1)}, math.Inf(1)},
		{"negative burst", Config{RPS: 1, Burst: -1}, 1},
		{"min above rps", Config{RPS: 1, MinRPS: 2}, 1},
		{"decrease 1", Config{RPS: 1, DecreaseFactor: 1}, 1},
		{"negative increase", Config{RPS: 1, IncreasePerSuccess: -1}, 1},
		{"negative durations", Config{BackoffBase: -time.Second, BackoffMax: -time.Second, DefaultRetryAfter: -1, MaxRetryAfter: -1}, math.Inf(1)},
	}
	for _, tt := range tests {
		clock := newFakeClock()
		tt.cfg.Clock = clock
		p := New(tt.cfg)
		if r := p.Stats().Rate; r != tt.wantRate {
			t.Errorf("%s: rate %v, want %v", tt.name, r, tt.wantRate)
		}
		for range 3 {
			if err := p.Wait(context.Background()); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
		}
		before := len(clock.Slept())
		p.Observe(429, 0)
		if err := p.Wait(context.Background()); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if s := clock.Slept()[before:]; len(s) == 0 || s[0] != time.Second {
			t.Errorf("%s: slept %v after a 429; want the default pause of 1s first", tt.name, s)
		}
		if b := p.Backoff(1); b < 0 || b > DefaultBackoffBase {
			t.Errorf("%s: Backoff(1) = %v, want within [0, %v]", tt.name, b, DefaultBackoffBase)
		}
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on a cancelled context = %v", err)
	}
}

func BenchmarkWaitUnlimited(b *testing.B) {
	p := New(Config{})
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = p.Wait(ctx)
			p.Observe(200, 0)
		}
	})
}

// The limit is far above what the loop reaches, so this measures the bookkeeping, not sleep.
func BenchmarkWaitLimited(b *testing.B) {
	p := New(Config{RPS: 1e9, Burst: 1 << 20})
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = p.Wait(ctx)
			p.Observe(200, 0)
		}
	})
}

func BenchmarkBackoff(b *testing.B) {
	bo := NewBackoff(0, 0, 1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = bo.Duration(i%8 + 1)
	}
}

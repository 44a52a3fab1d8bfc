package ratelimit

import (
	"context"
	"time"
)

// Clock is the time source of a Pacer. Tests inject a fake one so that spacing and pauses can
// be checked without sleeping.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done, in which case it returns ctx's error.
	Sleep(ctx context.Context, d time.Duration) error
}

// systemClock is the real clock, the default.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	return Sleep(ctx, d)
}

// Sleep waits for d or until ctx is done, whichever comes first. A d <= 0 returns at once
// (with ctx's error if it is already done).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

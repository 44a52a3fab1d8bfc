package bangwo8

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// logAttempt logs one attempt: at debug when it succeeded, at info when it failed (the retry
// or the caller's error says what happens next), except a failure only a person can fix
// (IsConfigError), which ends the run with its own line, and a call its caller gave up on (a
// page fetched ahead that is no longer wanted, a run cancelled), which did not fail: both are
// logged at debug. Error texts never hold credentials.
func (c *Client) logAttempt(ctx context.Context, method, path string, attempt int, res *http.Response, elapsed time.Duration, err error) {
	level := slog.LevelDebug
	if err != nil && !IsConfigError(err) && ctx.Err() == nil {
		level = slog.LevelInfo
	}
	if !c.logger.Enabled(ctx, level) {
		return
	}
	status := 0
	if res != nil {
		status = res.StatusCode
	}
	attrs := []slog.Attr{
		slog.String("method", method), slog.String("path", path), slog.Int("status", status),
		slog.Int("attempt", attempt), slog.Duration("elapsed", elapsed.Round(time.Millisecond)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, level, "bangwo8 call", attrs...)
}

package main

import (
	"math"
	"strconv"

	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
)

// paceAttrs are the pacer's figures for a summary line: the calls let through, the pace they
// went at over the run's seconds (the pace a run settles at when --rps is above what the
// server allows: the server's 429s hold it there), the 429s answered, how often the rate
// stepped down, and the pacer's rate at the end.
func paceAttrs(p *ratelimit.Pacer, seconds float64) []any {
	if p == nil {
		return nil
	}
	s := p.Stats()
	pace := 0.0
	if seconds > 0 {
		pace = float64(s.Calls) / seconds
	}
	rate := "unlimited"
	if !math.IsInf(s.Rate, 0) {
		rate = strconv.FormatFloat(s.Rate, 'f', 1, 64)
	}
	return []any{"calls", s.Calls, "calls_per_second", strconv.FormatFloat(pace, 'f', 1, 64), "answers_429", s.RateLimited, "rate_steps_down", s.StepDowns, "rate_final", rate}
}

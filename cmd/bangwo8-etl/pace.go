package main

import (
	"math"

	"github.com/bangwo8-etl/bangwo8-etl/ratelimit"
)

// paceAttrs are the pacer's figures for a summary line: the calls let through, the pace they
// went at over the run's seconds (the pace a run settles at when --rps is above what the
// server allows: the server's 429s hold it there), the 429s answered, how often the rate
// stepped down, and the pacer's rate at the end. All are numbers, in JSON logs too; the rate
// at the end is left out when it is unlimited (no --rps), as JSON has no infinity.
func paceAttrs(p *ratelimit.Pacer, seconds float64) []any {
	if p == nil {
		return nil
	}
	s := p.Stats()
	pace := 0.0
	if seconds > 0 {
		pace = float64(s.Calls) / seconds
	}
	attrs := []any{"calls", s.Calls, "calls_per_second", tenths(pace), "answers_429", s.RateLimited, "rate_steps_down", s.StepDowns}
	if !math.IsInf(s.Rate, 0) {
		attrs = append(attrs, "rate_final", tenths(s.Rate))
	}
	return attrs
}

// tenths rounds v to one decimal, the precision of a pace.
func tenths(v float64) float64 { return math.Round(v*10) / 10 }

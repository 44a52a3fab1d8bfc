// Package tally is the one shape in which a long run (an export, a validation, an import)
// says how far it has got and, at its end, what it took: Progress while it goes, Summary
// once it is done. The exporter and the importer embed or alias these types, so the command
// line shows and logs every run alike.
package tally

import "time"

// Progress is a count of the units (rows, companies) done in one phase of a run.
type Progress struct {
	Phase       string
	Done, Total int64         // Total is 0 while unknown
	Pages       int64         // an export's pages (or id chunks) read so far; 0 for an import
	Elapsed     time.Duration // since the run began
}

// Summary is what every run's summary has: the file it read or wrote and the time it took.
type Summary struct {
	File    string        `json:"file"`
	Elapsed time.Duration `json:"elapsed"`
}

// Seconds is Elapsed in seconds, to the hundredth: the figure of a summary log line.
func (s Summary) Seconds() float64 {
	return s.Elapsed.Round(10 * time.Millisecond).Seconds()
}

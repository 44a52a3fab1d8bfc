// Package importer writes the rows of a spreadsheet to the service as companies: it plans
// each row (create, update, unchanged, invalid), writes the rows that change something under
// the shared pacer, and journals what it did so that a run stopped half-way resumes without
// creating anything twice.
//
// The rows come from package sheet and are converted and checked by the mapping; what
// happened to each goes to package report. Validate is the offline check alone: it reads
// every row once and reports, calling nothing.
//
// # Two passes, no row held
//
// Import reads the file twice. The first pass checks every row and collects the match keys;
// the companies with those keys are then looked up (one search per key for a few keys, one
// walk through the list for many); the second pass reads the rows again, plans each and hands
// it to a writer, at most Options.Concurrency at once. Nothing of a row is kept between the
// passes, so memory grows with the distinct keys, not with the rows. Nothing is written while
// any row is invalid or cannot be matched, unless Options.SkipInvalid.
//
// # The journal
//
// Options.Journal is a JSON-lines file: a header naming the input (its size and SHA-256),
// the mapping and the mode, then a line per finished row, synced in batches. A create is
// journaled before it is sent, so a run killed before the answer leaves a trace, and the next
// run looks the company up before creating it again. A run whose journal cannot be written
// or synced ends with that error: it has not recorded what it did.
//
// # Stopping
//
// When ctx ends (Ctrl-C, SIGTERM), the writes in flight get Options.WriteGrace to finish and
// the rows not yet written are reported as skipped; a report or journal that cannot be
// written (a full disk) ends the run at once with an error naming the file.
package importer

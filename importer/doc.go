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
// Options.Journal is a JSON-lines file: a header naming the service (base URL, account), the
// mapping and the mode, then a line per write about to be sent and per finished row, synced in
// batches. A create is journaled before it is sent, so a run killed before the answer leaves
// a trace, and the next run looks the company up before creating it again. A run whose journal
// cannot be written or synced ends with that error: it has not recorded what it did.
//
// One run at a time has a journal: it holds the journal's lock (package runlock) from start to
// end, and a second run is refused naming the first's process. The file is opened O_APPEND and
// every entry is one write, so every line is whole; a line damaged before the last (an edit, a
// disk) is refused with the lines before it kept and the way to recover (JournalDamageError).
//
// # The input cannot change under a run
//
// The file is read in several passes, so the run makes sure they read the same file: its
// SHA-256 is taken before the first pass and checked before the first write, and each row of
// the writing pass is compared with the hash the first pass took of it. A change stops the run
// (ErrInputChanged): before any write when it came before the writes, else at the first row
// that differs, so that every row written is a row as checked.
//
// # Twins
//
// Rows without a match key that repeat exactly are invalid (RuleDuplicateRow) unless the
// mapping allows duplicates; then each is a company of its own, told apart in the journal by
// its order among its twins, and a lookup after a lost create takes only a company no other
// row of the run (or of the journal) holds (see claims).
//
// # Stopping
//
// When ctx ends (Ctrl-C, SIGTERM), the writes in flight get Options.WriteGrace to finish and
// the rows not yet written are reported as skipped; a report or journal that cannot be
// written (a full disk) ends the run at once with an error naming the file.
package importer

package importer

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/internal/tally"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// Mode says what an import may do to the companies.
type Mode string

const (
	// ModeCreate creates a company per row. A row whose match key an existing company has is
	// invalid (use upsert to update it instead).
	ModeCreate Mode = "create"
	// ModeUpdate updates the company a row's match key finds; a row that finds none is invalid.
	ModeUpdate Mode = "update"
	// ModeUpsert updates the company a row's key finds, and creates one when the key is empty
	// or (except for uId, which the service assigns) finds none.
	ModeUpsert Mode = "upsert"
)

// ParseMode reads a --mode value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeCreate, ModeUpdate, ModeUpsert:
		return m, nil
	}
	return "", fmt.Errorf("mode %q: want create, update or upsert", s)
}

// DefaultMode is upsert for a mapping with a match key, create for one without.
func DefaultMode(m *mapping.Mapping) Mode {
	if m.Match != "" {
		return ModeUpsert
	}
	return ModeCreate
}

// Phases of a run, for progress.
const (
	PhaseValidate = "validate"
	PhaseLookup   = "lookup"
	PhaseWrite    = "write"
)

// Progress is a count of rows done in a phase (PhaseValidate, PhaseLookup, PhaseWrite), the
// shape every run of this module reports.
type Progress = tally.Progress

// ValidateOptions configure Validate. The zero value validates silently and writes no
// report.
type ValidateOptions struct {
	Report string // .csv or .xlsx; "" for none
	// Lang is the language of the .xlsx report's status words and comments ("" is Chinese).
	Lang lang.Lang

	Logger   *slog.Logger   // warnings (unknown columns); nil is silent
	Progress func(Progress) // called after each row; must be quick
	// Problems gets a line per problem of an invalid row (file, sheet, row, column, value,
	// rule), at most MaxProblems lines (default 100) and a count of the rest.
	Problems    io.Writer
	MaxProblems int
}

func (o *ValidateOptions) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = func(Progress) {}
	}
	if o.MaxProblems <= 0 {
		o.MaxProblems = 100
	}
}

// Options configure Import. The zero value imports with the defaults and writes no report.
type Options struct {
	Mode        Mode // "" is DefaultMode
	DryRun      bool // plan only: nothing is written
	SkipInvalid bool // write the valid rows even when others are invalid
	Concurrency int  // writes in flight at once; default 4

	// Assets is an asset table (.xlsx or .csv) whose rows fill the cPara targets of each row
	// through the mapping's extension block (see loadAssets); "" for none.
	Assets string

	Report string // .csv or .xlsx; "" for none
	// Lang is the language of the .xlsx report's status words and comments ("" is Chinese).
	Lang    lang.Lang
	Journal string // JSON-lines journal of finished rows; "" for none
	// MappingDigest identifies the mapping in the journal, so that a journal is not reused
	// with another mapping (e.g. the SHA-256 of the mapping file).
	MappingDigest string
	// Account and Server (the base URL) bind the journal to the account written to: a
	// journal of another account or server is refused (ErrJournalMismatch), and undo writes
	// to the same one.
	Account, Server string

	// WriteGrace is how long writes already in flight may take to finish after the context is
	// cancelled (default 3s): they are let finish so that a create is recorded, not left
	// unknown, and short so that Ctrl-C or SIGTERM ends the run within seconds whatever the
	// service does. A create cut off is found again by the next run (see the journal).
	WriteGrace time.Duration
	// Retries is how many times a create whose answer was lost, and whose company a lookup
	// then did not find, is sent again (the command passes --retries). 0 sends none: the row
	// fails. A create that certainly did not happen (a 429) is retried by the client itself.
	Retries int

	Logger   *slog.Logger   // warnings and periodic messages; nil is silent
	Progress func(Progress) // called after each row; must be quick
	// Problems gets a line per problem of an invalid row (file, sheet, row, column, value,
	// rule), at most MaxProblems lines (default 100) and a count of the rest.
	Problems    io.Writer
	MaxProblems int
	// Plan gets a line per row that a dry run would write (or a run wrote): its action, uId
	// and changed fields.
	Plan io.Writer
}

func (o *Options) defaults(m *mapping.Mapping) {
	if o.Mode == "" {
		o.Mode = DefaultMode(m)
	}
	if o.Concurrency < 1 {
		o.Concurrency = 4
	}
	if o.WriteGrace <= 0 {
		o.WriteGrace = DefaultWriteGrace
	}
	v := o.validateOptions()
	v.defaults()
	o.Logger, o.Progress, o.MaxProblems = v.Logger, v.Progress, v.MaxProblems
}

// DefaultWriteGrace is Options.WriteGrace when it is not set.
const DefaultWriteGrace = 3 * time.Second

// validateOptions are the options of the validation Import does first.
func (o *Options) validateOptions() ValidateOptions {
	return ValidateOptions{Report: o.Report, Lang: o.Lang, Logger: o.Logger, Progress: o.Progress,
		Problems: o.Problems, MaxProblems: o.MaxProblems}
}

// Summary counts what a run did with the rows of the file (blank rows not counted), and
// says which file and how long it took (tally.Summary).
type Summary struct {
	tally.Summary
	Sheet     string `json:"sheet,omitempty"`
	Mode      Mode   `json:"mode,omitempty"`
	DryRun    bool   `json:"dry_run,omitempty"`
	Rows      int    `json:"rows"`
	Valid     int    `json:"valid"`
	Invalid   int    `json:"invalid"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Failed    int    `json:"failed"`
	Skipped   int    `json:"skipped"`
	Writes    int    `json:"writes"`  // creates and updates sent, retries included
	Cleared   int    `json:"cleared"` // fields the planned updates clear
	// Kept counts text cells a spreadsheet program mangled (00123 -> 123): the companies keep
	// their values.
	Kept        int  `json:"kept"`
	Interrupted bool `json:"interrupted,omitempty"`
	// Report is the report the run wrote; "" when none was asked for, or it was not
	// written (the run stopped before it, or a write to it failed).
	Report string `json:"report,omitempty"`
}

// count adds a row's outcome.
func (s *Summary) count(a report.Action) {
	switch a {
	case report.ActionInvalid:
		s.Invalid++
	case report.ActionCreated, report.ActionCreate:
		s.Created++
	case report.ActionUpdated, report.ActionUpdate:
		s.Updated++
	case report.ActionUnchanged:
		s.Unchanged++
	case report.ActionFailed:
		s.Failed++
	case report.ActionSkipped, report.ActionDone:
		s.Skipped++
	case report.ActionValid:
		s.Valid++
	}
}

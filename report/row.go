package report

import "github.com/bangwo8-etl/bangwo8-etl/mapping"

// Action is what happened to a row, as a report says it.
type Action string

const (
	ActionValid     Action = "valid"   // validate only: the row passes every rule
	ActionInvalid   Action = "invalid" // the row breaks a rule, or cannot be matched
	ActionCreated   Action = "created"
	ActionUpdated   Action = "updated"
	ActionUnchanged Action = "unchanged" // the company already has the row's values: no write
	ActionFailed    Action = "failed"    // the write was refused or could not be sent
	ActionSkipped   Action = "skipped"   // not written: other rows are invalid, or the run stopped
	ActionDone      Action = "done"      // not written again: an earlier run of the same journal wrote it

	// Planned actions of a dry run.
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
)

// NeedsFixing reports whether a row with action a is one a person has to fix: invalid or
// failed.
func (a Action) NeedsFixing() bool { return a == ActionInvalid || a == ActionFailed }

// Row is one line of a report: one per row of the input.
type Row struct {
	Row     int // the input's row number, as a spreadsheet shows it
	Action  Action
	UID     string // the company's id; "" for none
	Key     string // the row's match key
	Changed string // the fields a write changes (would change), comma separated
	Rule    string // the rules an invalid row breaks, comma separated
	Error   string
	Note    string
	Asset   string // import --assets: the asset (_id) that filled the extension's fields
	// Plan is the row as the import's plan shows it, in the run's language: the company, and
	// old -> new for each field (lang.PlanText). The workbook shows it in its problems column.
	Plan string

	// Cells and Problems are the row as read and what is wrong with it, for the workbook
	// report, which shows the input's rows; the CSV report has neither.
	Cells    []string
	Problems []mapping.Problem
}

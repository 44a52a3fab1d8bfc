// Package report writes what a validation or an import did with each row of a spreadsheet,
// to a file that appears only when complete.
//
// Two shapes: a .csv report, one line per row of the input in the input's order (its action,
// company id, key, changed fields, broken rules, error); and an .xlsx report made for the
// people who fix the rows, which shows the input's rows as they were, those to fix first,
// each bad cell red with a comment saying what would be right, and which can be imported
// again as it is (see XLSX).
//
// A report is written by one goroutine, row after row, with no goroutine of its own: a write
// that fails (a full disk) is returned by Write, naming the report, and the caller ends its
// run; Abort then removes what was written.
package report

// Package undo reverses an import from its journal: it gives the fields an update changed
// their previous values back, unless a field changed again since the import (a conflict,
// reported and left alone), and soft-deletes (status 2) the companies the import created.
//
// Prepare reads the companies' current values (show_many) and makes the Plan; Apply writes it,
// one update per company. Undo writes nothing to the journal: what an earlier undo restored or
// deleted shows in the companies themselves (a field back at its old value, status 2), so an
// undo that stopped half-way is run again and finishes, and a finished one run again changes
// nothing.
//
// A field is compared over the whole run: when several rows changed it, the value before the
// first and the value the last one wrote count. The values are the API's own (a list stays a
// list); amounts compare by value ("12.5" is "12.50").
package undo

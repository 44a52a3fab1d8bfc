// Package exporter writes Bangwo8 companies to an .xlsx or .csv file: every company the
// source selects, exactly once, in a file that appears only when it is complete.
//
// The pipeline is: a source (the list call, a search, or ids through show_many) fetched
// several pages at once under the shared pacer and consumed in page order; a filter that
// drops deleted companies (unless asked for), repeats, and what an earlier incremental run
// already exported; the mapping, which turns a company into cells; and a sink (an excelize
// StreamWriter, or encoding/csv) writing to a temporary file beside the output, renamed into
// place after an fsync.
//
// # Paging that cannot miss or repeat
//
// The list is read in ascending id order with deStat=1 (deleted companies included), so a
// company created during the export lands after the last page and a soft delete does not
// shift the pages; deleted companies are dropped locally. Ids only grow, so remembering the
// last id written is enough to drop a repeat. A search is read by createDT ascending (also
// with deStat=1) and the full companies fetched with show_many; repeats are dropped by
// remembering the ids of the last two pages. Options.Sort changes either order; repeats are
// then dropped as for a search.
//
// The pages are checked in order by bangwo8.Paging, so that a server that caps per_page,
// counts per page or ignores page makes the export complete or fail, never short: the first
// page is fetched alone and tells the page size the service honours, and the look-ahead
// starts after it. When the first page's records carry no status (as in the vendor's
// examples), the export starts again with deStat=0: the service leaves the deleted ones out.
//
// # Late custom keys
//
// Without a mapping file the columns are every documented field and then one per custom
// field key. A key can first appear in the last company, after the header would have been
// written, so the rows are spooled to a temporary file first (a compact binary form of their
// cells, never the whole export in memory), while the set of keys is collected; the output
// is then written from the spool with one column per key, the keys sorted by name with
// numbers in numeric order (field_2 before field_10). With a mapping file the columns are
// the mapping's and rows are streamed straight to the output; custom keys the mapping does
// not name are counted and reported (Summary.UnmappedKeys), never silently dropped.
//
// # The incremental state
//
// A state file (Options.StatePath) is used by one run at a time (package runlock: a second
// run is refused naming the first's process) and belongs to the server and account it was
// written against (a state of another is refused: StateMismatchError). Its newest update is
// never later than the service's own clock, read from the Date header of its answers, plus
// FutureMargin: a company dated in the future would otherwise hold back every later change
// until its date. Such companies are written by every run and named in Summary.Future.
package exporter

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/internal/runlock"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/samples"
	"github.com/bangwo8-etl/bangwo8-etl/sheet"
)

// loadMapping loads the mapping file: a bad one is a configuration error (exit 2), its
// message naming every problem with its line and column.
func loadMapping(path string) (*mapping.Mapping, string, error) {
	m, err := mapping.Load(path)
	if errors.Is(err, fs.ErrNotExist) && isSample(path) {
		return nil, "", usageErrorf("%w; %s is a built-in sample: `bangwo8-etl samples --out DIR` writes it (and the others) into DIR", err, filepath.Base(path))
	}
	if err != nil {
		return nil, "", usageErrorf("%w", err)
	}
	_, digest, err := importer.FileDigest(path)
	if err != nil {
		return nil, "", usageErrorf("mapping: %w", err)
	}
	return m, digest, nil
}

// isSample reports whether path names one of the samples built into the binary.
func isSample(path string) bool {
	_, err := fs.Stat(samples.FS, filepath.Base(path))
	return err == nil && filepath.Base(path) != samples.Readme
}

// useSheet makes --sheet, when given, the sheet the mapping reads.
func useSheet(m *mapping.Mapping, sheet string) {
	if sheet != "" {
		m.Sheet, m.SheetAsked = sheet, true
	}
}

// checkReportPath refuses, before any work, a report file whose ending names no format, and
// a report that would overwrite the input it reports on (a person who imports the report of
// a validation and names it again as the report).
func checkReportPath(path, input string) error {
	if path == "" {
		return nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".xlsx":
	default:
		return usageErrorf("--report %s: want a .csv or .xlsx file", path)
	}
	if sameFile(path, input) {
		return usageErrorf("--report %s is the input file: the report would overwrite it; name another file", path)
	}
	return nil
}

// sameFile reports whether a and b name the same file: the same path once cleaned, or the
// same file on disk (a link, another spelling of the directory).
func sameFile(a, b string) bool {
	if absA, err := filepath.Abs(a); err == nil {
		if absB, err := filepath.Abs(b); err == nil && absA == absB {
			return true
		}
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// importExit maps an importer error to an exit code, and says a header error in l: a file that cannot be found or opened,
// or a journal of another run, is a usage error (2); a file whose header or syntax is bad is
// invalid input (3); the rest (a 401, the network, Ctrl-C) failed the run (1).
func importExit(err error, l lang.Lang) error {
	var ie *sheet.InputError
	var he *importer.HeaderError
	switch {
	case errors.As(err, &he):
		if zh := l.HeaderProblems(he.Problems, he.Header, he.HeaderRow); zh != "" {
			where := he.File
			if he.Sheet != "" {
				where += fmt.Sprintf(" [%s]", he.Sheet)
			}
			err = fmt.Errorf("%s：%s\n(%w)", where, zh, err)
		}
		return &exitError{code: exitPartial, err: err}
	case errors.As(err, &ie) && (ie.Line > 0 || ie.Row > 0):
		return &exitError{code: exitPartial, err: err}
	case errors.Is(err, importer.ErrInputChanged):
		return &exitError{code: exitFailed, err: inLanguage(err, l)}
	case errors.Is(err, runlock.ErrHeld), errors.As(err, new(*importer.JournalDamageError)), errors.Is(err, importer.ErrJournalMismatch):
		return &exitError{code: exitUsage, err: inLanguage(err, l)}
	case errors.As(err, &ie), errors.Is(err, sheet.ErrUnsupported):
		return &exitError{code: exitUsage, err: err}
	}
	return &exitError{code: exitFailed, err: err}
}

// rowsExit is exit 3 when some rows were invalid or failed. It names the report only when
// one was written.
func rowsExit(sum *importer.Summary, l lang.Lang) error {
	if sum.Invalid == 0 && sum.Failed == 0 {
		return nil
	}
	what := fmt.Sprintf(l.Pick("%d 行有错误", "%d rows invalid"), sum.Invalid)
	if sum.Mode != "" { // an import; a validation writes nothing
		what += fmt.Sprintf(l.Pick("，%d 行写入失败", ", %d failed"), sum.Failed)
	}
	if sum.Report != "" {
		what += fmt.Sprintf(l.Pick("：详情见报告 %s", ": see the report %s"), sum.Report)
	} else {
		what += l.Pick("（加 --report 文件.xlsx 可以得到每一行的结果）", " (--report FILE.xlsx writes every row's outcome)")
	}
	return &exitError{code: exitPartial, err: errors.New(what)}
}

// noRowsError is a file with a header and nothing below it (exit 3): most likely the wrong
// sheet or file, or a sheet whose rows could not be read.
func noRowsError(sum *importer.Summary) error {
	where := sum.File
	if sum.Sheet != "" {
		where += fmt.Sprintf(": sheet %q", sum.Sheet)
	}
	return &exitError{code: exitPartial, err: fmt.Errorf("%s: no rows below the header: nothing to import", where)}
}

// logSummary writes the one summary line (JSON with --log-format json); extra attributes
// (the pacer's figures) go at its end.
func logSummary(log *slog.Logger, msg string, sum *importer.Summary, extra ...any) {
	attrs := []any{
		"file", sum.File, "rows", sum.Rows, "invalid", sum.Invalid,
	}
	if sum.Sheet != "" {
		attrs = append(attrs, "sheet", sum.Sheet)
	}
	if sum.Mode != "" {
		attrs = append(attrs, "mode", string(sum.Mode), "dry_run", sum.DryRun,
			"created", sum.Created, "updated", sum.Updated, "unchanged", sum.Unchanged,
			"failed", sum.Failed, "skipped", sum.Skipped, "writes", sum.Writes)
		if sum.Elapsed > 0 {
			attrs = append(attrs, "seconds", sum.Seconds())
		}
		if sum.Interrupted {
			attrs = append(attrs, "interrupted", true)
		}
	} else {
		attrs = append(attrs, "valid", sum.Valid)
	}
	if sum.Report != "" { // only a report that was written
		attrs = append(attrs, "report", sum.Report)
	}
	log.Info(msg, append(attrs, extra...)...)
}

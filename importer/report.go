package importer

import (
	"strconv"

	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
)

// reportOpener starts the report of a run: openReport, or in tests one that writes where
// they say.
type reportOpener func(path, input string, m *mapping.Mapping, l lang.Lang) (report.Writer, error)

// openReport starts the report at path ("" for none). A workbook report repeats the input's
// header, so its header row is read here.
func openReport(path, input string, m *mapping.Mapping, l lang.Lang) (report.Writer, error) {
	o := report.Options{Mapping: m, Lang: l}
	if report.ShowsCells(path) {
		t, err := openTable(input, m)
		if err != nil {
			return nil, err
		}
		o.Input = report.Input{Header: t.Header, Sheet: t.Sheet()}
		t.Close()
	}
	return report.Create(path, o)
}

// uidText is a company id as a report shows it: "" for none.
func uidText(uid int64) string {
	if uid == 0 {
		return ""
	}
	return strconv.FormatInt(uid, 10)
}

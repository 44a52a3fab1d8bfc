package importer

import (
	"strconv"

	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/report"
	"github.com/bangwo8-etl/bangwo8-etl/sheet"
)

// reportOpener starts the report of a run: openReport, or in tests one that writes where
// they say.
type reportOpener func(path, input string, m *mapping.Mapping, l lang.Lang) (report.Writer, error)

// openReport starts the report at path ("" for none). A workbook report repeats the input's
// header, so its header row is read here.
func openReport(path, input string, m *mapping.Mapping, l lang.Lang) (report.Writer, error) {
	o := report.Options{Mapping: m, Lang: l}
	if report.ShowsCells(path) {
		src, err := sheet.Open(input, m.Sheet)
		if err != nil {
			return nil, err
		}
		_, header, err := sheet.ReadHeader(src, input)
		o.Input = report.Input{Header: header, Sheet: src.Sheet(), DateSystem: src.DateSystem()}
		src.Close()
		if err != nil {
			return nil, err
		}
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

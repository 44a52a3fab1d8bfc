package mapping

import "strings"

// The clear marker: a cell that holds it clears its field on import, whatever the column's
// empty: setting, while an empty cell keeps the company's value (unless the column says
// empty: clear). Both spellings are one marker; case, surrounding spaces and full-width forms
// (＃清空, ＃ＣＬＥＡＲ) do not count.
//
// Why this text: no company value starts with "#清空" or is "#CLEAR"; "#" cannot start a
// formula, so Excel, WPS and LibreOffice keep it as text and a CSV carries it as it is; and
// a spreadsheet's own error values start with "#" too, so people read it as "not a value".
const (
	ClearMarker        = "#清空"
	ClearMarkerEnglish = "#CLEAR"
)

// IsClearMarker reports whether a cell holds the clear marker.
func IsClearMarker(cell string) bool {
	t := trimSpace(foldWidth(cell))
	if t == "" || t[0] != '#' {
		return false
	}
	return t == ClearMarker || strings.EqualFold(t, ClearMarkerEnglish)
}

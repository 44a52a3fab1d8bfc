package mapping

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DateSystem is the date system of a workbook, which decides what an Excel date serial means.
// Excel for Windows uses 1900 (serial 1 = 1900-01-01); old Excel for Mac uses 1904 (serial 0 =
// 1904-01-01). excelize reports it as the workbook's Date1904 property.
type DateSystem int

const (
	Date1900 DateSystem = iota
	Date1904
)

const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04:05"
	// maxSerial is 9999-12-31 in the 1900 system, the last day Excel knows.
	maxSerial = 2958465
)

var (
	// y-m-d with -, / or . between the parts, or 年月日; an optional time after a space or T.
	dateRE = regexp.MustCompile(`^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?` +
		`(?:(?:\s+|T)(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?)?秒?)?$`)
	compactDateRE = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	serialRE      = regexp.MustCompile(`^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$`)
)

// ErrBareNumber is the error of a date cell holding a bare number (2024, 45356) rather than a
// date text or a date-formatted cell.
var ErrBareNumber = errors.New("a bare number is not a date: write it as 2024-03-05")

// SerialText is the date text of the Excel date serial s in the workbook's date system:
// 2006-01-02, or 2006-01-02 15:04:05 when it carries a time of day. Readers of workbooks call
// it for a number cell whose format is a date, so that the mapping sees what the cell shows.
func SerialText(s string, sys DateSystem) (string, error) {
	t, err := fromSerial(strings.TrimSpace(s), sys)
	if err != nil {
		return "", err
	}
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(dateLayout), nil
	}
	return t.Format(dateTimeLayout), nil
}

// ParseDateText reads a date or date-and-time text the way a date column does, for writers
// that show an accepted date as a real date (the report); ok is false for anything else.
func ParseDateText(s string) (t time.Time, ok bool) {
	t, _, err := parseDateTime(s, Date1900)
	return t, err == nil
}

// parseDateTime reads a date or a date and time in every spelling the package accepts (see
// doc.go): the canonical ones, slashes, dots, 年月日 and yyyymmdd. A bare number is refused
// (ErrBareNumber).
// hasTime reports whether the text carried a time of day.
func parseDateTime(s string, sys DateSystem) (t time.Time, hasTime bool, err error) {
	if t, hasTime, ok, err := canonicalDateTime(s); ok {
		return t, hasTime, err
	}
	s = strings.TrimSpace(foldWidth(s))
	if s == "" {
		return time.Time{}, false, fmt.Errorf("empty date")
	}
	if m := compactDateRE.FindStringSubmatch(s); m != nil {
		t, err := civil(m[1], m[2], m[3], "", "", "")
		return t, false, err
	}
	if serialRE.MatchString(s) || strings.HasPrefix(s, "-") && serialRE.MatchString(s[1:]) {
		// A bare number is what a person types for a year or a count, and what a CSV or an
		// unformatted cell holds: read as an Excel serial, 2024 would be 1905-07-16 without a
		// word. A date-formatted cell arrives as a date text (see SerialText).
		return time.Time{}, false, ErrBareNumber
	}
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false, fmt.Errorf("not a date: use YYYY-MM-DD")
	}
	t, err = civil(m[1], m[2], m[3], m[4], m[5], m[6])
	return t, m[4] != "", err
}

// civil builds a time from its parts and refuses the ones that do not exist (31 Feb, 25:00).
func civil(ys, ms, ds, hs, mins, ss string) (time.Time, error) {
	num := func(s string) int {
		n, _ := strconv.Atoi(s) // the regexps only let digits through; "" is 0
		return n
	}
	y, mo, d, h, mi, sec := num(ys), num(ms), num(ds), num(hs), num(mins), num(ss)
	if y < 1 || mo < 1 || mo > 12 {
		return time.Time{}, fmt.Errorf("no month %d", mo)
	}
	if h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, fmt.Errorf("no time %02d:%02d:%02d", h, mi, sec)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if d < 1 || t.Day() != d || t.Month() != time.Month(mo) {
		return time.Time{}, fmt.Errorf("%04d-%02d has no day %d", y, mo, d)
	}
	return t, nil
}

// fromSerial converts an Excel date serial: days since the system's epoch, the fraction being
// the time of day (rounded to the second).
func fromSerial(s string, sys DateSystem) (time.Time, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || f < 0 || f > maxSerial {
		return time.Time{}, fmt.Errorf("Excel date serial %s is out of range", s)
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	if secs >= 86400 { // x.9999999 rounds up to the next day
		days, secs = days+1, 0
	}
	var epoch time.Time
	switch {
	case sys == Date1904:
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days == 0:
		return time.Time{}, fmt.Errorf("Excel date serial 0 is the nonexistent 1900-01-00")
	case days == 60:
		// Lotus 1-2-3 thought 1900 was a leap year and Excel kept the bug for compatibility.
		return time.Time{}, fmt.Errorf("Excel date serial 60 is the nonexistent 1900-02-29")
	case days < 60:
		epoch = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		epoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	t := epoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("Excel date serial %s is out of range", s)
	}
	return t, nil
}

// parseDate reads a date; a time of day other than midnight is refused, since the field
// keeps days only and dropping it silently would change the value.
func parseDate(s string, sys DateSystem) (string, error) {
	t, _, err := parseDateTime(s, sys)
	if err != nil {
		return "", err
	}
	if t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 {
		return "", fmt.Errorf("a date has no time of day (%s)", t.Format("15:04:05"))
	}
	return t.Format(dateLayout), nil
}

// parseDateTimeText reads a date and time; a date alone is midnight.
func parseDateTimeText(s string, sys DateSystem) (string, error) {
	t, _, err := parseDateTime(s, sys)
	if err != nil {
		return "", err
	}
	return t.Format(dateTimeLayout), nil
}

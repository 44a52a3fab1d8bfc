package mapping

import "time"

// canonicalDateTime reads the two spellings the API itself uses, 2006-01-02 and
// 2006-01-02 15:04:05, without the regular expressions of parseDateTime, whose result it
// gives (ok is false for any other text). An export converts two or three dates of every
// company, and the regular expressions took a tenth of its CPU.
func canonicalDateTime(s string) (t time.Time, hasTime, ok bool, err error) {
	switch {
	case len(s) == len(dateLayout) && digitsAt(s, 0, 1, 2, 3, 5, 6, 8, 9) && s[4] == '-' && s[7] == '-':
		t, err = civil(s[0:4], s[5:7], s[8:10], "0", "0", "0") // "" would cost Atoi an error
		return t, false, true, err
	case len(s) == len(dateTimeLayout) && digitsAt(s, 0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18) &&
		s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':':
		t, err = civil(s[0:4], s[5:7], s[8:10], s[11:13], s[14:16], s[17:19])
		return t, true, true, err
	}
	return time.Time{}, false, false, nil
}

// digitsAt reports whether s holds an ASCII digit at each index.
func digitsAt(s string, at ...int) bool {
	for _, i := range at {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

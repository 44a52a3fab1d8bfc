package mapping

import (
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		sys  DateSystem
		want string // "" with err set
		err  string
	}{
		{in: "2017-01-01", want: "2017-01-01"},
		{in: "2017/1/1", want: "2017-01-01"},
		{in: "2017-1-1", want: "2017-01-01"},
		{in: "2017.1.1", want: "2017-01-01"},
		{in: "2017年1月1日", want: "2017-01-01"},
		{in: "2017年01月31日", want: "2017-01-31"},
		{in: "20170101", want: "2017-01-01"},
		{in: "２０１７－０１－０１", want: "2017-01-01"},
		{in: " 2017-01-01 ", want: "2017-01-01"},
		{in: "2017-01-01 00:00:00", want: "2017-01-01"},
		{in: "2017/1/1 0:00", want: "2017-01-01"},
		{in: "2024-02-29", want: "2024-02-29"},
		// A bare number is never read as an Excel serial: 2024 is not 1905-07-16.
		{in: "2024", err: "bare number"},
		{in: "1", err: "bare number"},
		{in: "100000", err: "bare number"},
		{in: "42736", err: "bare number"},
		{in: "42736.0", err: "bare number"},
		{in: "２０２４", err: "bare number"},
		{in: "2017-02-31", err: "no day 31"},
		{in: "2017-02-29", err: "no day 29"},
		{in: "2017-13-01", err: "no month 13"},
		{in: "2017-00-10", err: "no month 0"},
		{in: "20170231", err: "no day 31"},
		{in: "0000-01-01", err: "no month"},
		{in: "2017-01-01 10:00", err: "no time of day"},
		{in: "next tuesday", err: "not a date"},
		{in: "2017-01", err: "not a date"},
		{in: "-1", err: "not a date"},
		{in: "1e400", err: "bare number"},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in, tt.sys)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseDate(%q, %d) = %q, %v; want error containing %q", tt.in, tt.sys, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseDate(%q, %d) = %q, %v; want %q", tt.in, tt.sys, got, err, tt.want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	tests := []struct {
		in   string
		sys  DateSystem
		want string
		err  string
	}{
		{in: "2018-02-03 00:00:00", want: "2018-02-03 00:00:00"},
		{in: "2018/2/3 0:00", want: "2018-02-03 00:00:00"},
		{in: "2018/2/3 13:05", want: "2018-02-03 13:05:00"},
		{in: "2018-02-03T13:05:09", want: "2018-02-03 13:05:09"},
		{in: "2018-02-03 13:05:09.123", want: "2018-02-03 13:05:09"},
		{in: "2018年2月3日 13时05分09秒", want: "2018-02-03 13:05:09"},
		{in: "2018-02-03", want: "2018-02-03 00:00:00"},
		{in: "43134.5", err: "bare number"},
		{in: "2018-02-03 24:00:00", err: "no time"},
		{in: "2018-02-03 12:60", err: "no time"},
		{in: "2018-02-30 12:00", err: "no day 30"},
	}
	for _, tt := range tests {
		got, err := parseDateTimeText(tt.in, tt.sys)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseDateTimeText(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseDateTimeText(%q, %d) = %q, %v; want %q", tt.in, tt.sys, got, err, tt.want)
		}
	}
}

// TestSerialText: the serial of a date-formatted cell, in either date system, with Lotus's
// leap-year bug of the 1900 system.
func TestSerialText(t *testing.T) {
	tests := []struct {
		in   string
		sys  DateSystem
		want string
		err  string
	}{
		{in: "1", want: "1900-01-01"},
		{in: "59", want: "1900-02-28"},
		{in: "60", err: "nonexistent 1900-02-29"},
		{in: "61", want: "1900-03-01"},
		{in: "42736", want: "2017-01-01"},
		{in: "42736.0", want: "2017-01-01"},
		{in: "0", err: "1900-01-00"},
		{in: "2958465", want: "9999-12-31"},
		{in: "2958466", err: "out of range"},
		{in: "0", sys: Date1904, want: "1904-01-01"},
		{in: "41274", sys: Date1904, want: "2017-01-01"},
		{in: "43134.5", want: "2018-02-03 12:00:00"},
		{in: "43134.999999999", want: "2018-02-04"}, // rounds to the next day
		{in: "41672.25", sys: Date1904, want: "2018-02-03 06:00:00"},
		{in: "-1", err: "out of range"},
		{in: "1e400", err: "out of range"},
	}
	for _, tt := range tests {
		got, err := SerialText(tt.in, tt.sys)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("SerialText(%q, %d) = %q, %v; want error containing %q", tt.in, tt.sys, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("SerialText(%q, %d) = %q, %v; want %q", tt.in, tt.sys, got, err, tt.want)
		}
	}
}

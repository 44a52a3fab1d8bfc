// Package lang chooses the language of what operations staff read: the template's notes,
// the error report's comments and status words, the demo's story. Chinese is the default;
// English is chosen with --lang en or an English locale. Log lines and errors for engineers
// stay in English.
//
// The translations live in this package (sheet.go), side by side, so that a change to one
// language is seen next to the other.
package lang

import (
	"fmt"
	"strings"
)

// Lang is a language of ops-facing text.
type Lang string

const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// Parse reads a --lang value: zh or en, with or without a region (zh-CN, en_US). "" is
// Chinese.
func Parse(s string) (Lang, error) {
	switch base := strings.ToLower(strings.TrimSpace(s)); {
	case base == "", base == "zh", strings.HasPrefix(base, "zh-"), strings.HasPrefix(base, "zh_"):
		return Chinese, nil
	case base == "en", strings.HasPrefix(base, "en-"), strings.HasPrefix(base, "en_"):
		return English, nil
	}
	return Chinese, fmt.Errorf("language %q: want zh or en", s)
}

// FromEnv picks the language of the locale the way the C library does: the first of LC_ALL,
// LC_MESSAGES and LANG that is set decides. An English locale (en_US.UTF-8) is English;
// anything else, C and POSIX included, is Chinese, the language of the people the tool is
// for.
func FromEnv(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "en") {
				return English
			}
			return Chinese
		}
	}
	return Chinese
}

// Pick returns zh in Chinese and en in English.
func (l Lang) Pick(zh, en string) string {
	if l == English {
		return en
	}
	return zh
}

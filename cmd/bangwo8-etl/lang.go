package main

import "github.com/bangwo8-etl/bangwo8-etl/lang"

// language is the language of what ops staff read (templates, reports, the demo): --lang, or
// else the locale's (LC_ALL, LC_MESSAGES, LANG), Chinese by default.
func (a *app) language() (lang.Lang, error) {
	if a.lang == "" {
		return lang.FromEnv(a.getenv), nil
	}
	l, err := lang.Parse(a.lang)
	if err != nil {
		return l, usageErrorf("--lang: %w", err)
	}
	return l, nil
}

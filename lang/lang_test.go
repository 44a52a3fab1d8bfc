package lang

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"", Chinese, true}, {"zh", Chinese, true}, {"zh-CN", Chinese, true}, {"ZH_cn", Chinese, true},
		{"en", English, true}, {"en_US", English, true}, {" EN ", English, true},
		{"fr", Chinese, false}, {"english", Chinese, false}, {"zhx", Chinese, false},
	} {
		got, err := Parse(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{}, Chinese},
		{map[string]string{"LANG": "en_US.UTF-8"}, English},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, Chinese},
		{map[string]string{"LANG": "C"}, Chinese},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, English},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, Chinese},
	} {
		if got := FromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("FromEnv(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestPatternWords(t *testing.T) {
	for _, tt := range []struct {
		pattern, zh, en string
	}{
		{`^(?:[A-Za-z0-9_.@-]+)$`, "字母、数字和 _ . @ -", "letters, digits and _ . @ -"},
		{`^(?:[0-9]+)$`, "数字", "digits"},
		{`^(?:[a-z0-9-]+)$`, "小写字母、数字和 -", "small letters, digits and -"},
		{`^(?:[A-Z]{2}\d+)$`, "", ""},
		{`^(?:[一-龥]+)$`, "", ""},
		{`^(?:[a-f-z]+)$`, "", ""},
	} {
		zh, ok := Chinese.PatternWords(tt.pattern)
		en, _ := English.PatternWords(tt.pattern)
		if zh != tt.zh || en != tt.en || ok != (tt.zh != "") {
			t.Errorf("%s: %q, %q (%v); want %q, %q", tt.pattern, zh, en, ok, tt.zh, tt.en)
		}
	}
}

// FuzzPatternWords: any pattern of a mapping file is said in words or shown as it is,
// without a panic; words are never empty.
func FuzzPatternWords(f *testing.F) {
	for _, s := range []string{`^(?:[A-Za-z0-9_.@-]+)$`, `^(?:[\d]+)$`, `^(?:[\]+)$`, `[a-]*`, `[-]+`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		for _, l := range []Lang{Chinese, English} {
			if words, ok := l.PatternWords(pattern); ok && words == "" {
				t.Errorf("%q: ok with no words", pattern)
			}
		}
	})
}

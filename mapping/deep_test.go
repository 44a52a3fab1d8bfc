package mapping

import (
	"strings"
	"testing"
	"time"
)

func TestParseHostileShapes(t *testing.T) {
	n := 5000
	inputs := map[string]string{
		"deep flow sequences": strings.Repeat("[", MaxFileSize/2) + strings.Repeat("]", MaxFileSize/2),
		"deep flow mappings":  strings.Repeat("{a: ", n) + "1" + strings.Repeat("}", n),
		"deep block nesting":  deepBlock(n / 10),
		"many columns":        head + strings.Repeat("  - {header: a, field: nope}\n", n),
	}
	for name, src := range inputs {
		start := time.Now()
		_, err := Parse(name, []byte(src))
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		t.Logf("%s: %d bytes refused in %v", name, len(src), time.Since(start))
	}
}

func deepBlock(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return b.String()
}

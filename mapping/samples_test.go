package mapping

import (
	"testing"
)

func TestSamplesLoad(t *testing.T) {
	for _, path := range []string{"../samples/mapping.yaml", "../samples/mapping-minimal.yaml"} {
		m, err := Load(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if m.Match != "serviceaccount" || m.MatchColumn() == nil {
			t.Errorf("%s: match = %q", path, m.Match)
		}
	}
}

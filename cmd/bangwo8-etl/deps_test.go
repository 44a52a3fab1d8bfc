package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestBinaryLinksNoTestCode: the shipped binary does not link the testing packages, which
// the sandbox's test server (package sandboxtest) needs and the sandbox itself must not.
func TestBinaryLinksNoTestCode(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/bangwo8-etl/bangwo8-etl/sandbox") {
		t.Fatalf("go list -deps does not list the sandbox, so it proves nothing: %v", deps)
	}
	for _, banned := range []string{"testing", "net/http/httptest", "github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"} {
		if slices.Contains(deps, banned) {
			t.Errorf("the binary links %s", banned)
		}
	}
}

package extension

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDoesNotLinkTheClient: the extension checker, and the sandbox that serves its page, need
// only the names of the company fields (package bangwo8/field), never the API client. The
// sandbox is the oracle the client is tested against: linking the client would let it share
// the client's mistakes.
func TestDoesNotLinkTheClient(t *testing.T) {
	const module = "github.com/bangwo8-etl/bangwo8-etl/"
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	for _, pkg := range []string{module + "extension", module + "sandbox"} {
		out, err := exec.Command(goTool, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		if slices.Contains(deps, module+"bangwo8") {
			t.Errorf("%s depends on the API client %sbangwo8", pkg, module)
		}
		if pkg == module+"extension" && !slices.Contains(deps, module+"bangwo8/field") {
			t.Errorf("%s no longer uses the field table: this test checks nothing", pkg)
		}
	}
}

package grade

import (
	"os"
	"testing"

	"github.com/gopherlab/gopherlab/grader/sandbox"
)

// TestMain lets this test binary serve as the sandbox helper: the grader
// re-executes its own executable to build each sandbox.
func TestMain(m *testing.M) {
	if sandbox.IsChild(os.Args) {
		err := sandbox.Child()
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(125)
	}
	os.Exit(m.Run())
}

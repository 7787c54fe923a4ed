package build

import (
	"os"
	"strings"
	"testing"
)

// TestTestModulesPinned: the versions the grader writes into a learner's
// go.mod for the hidden tests are the ones this module's go.mod requires (the
// exercises' tests build in this module too, and test.sh downloads these).
func TestTestModulesPinned(t *testing.T) {
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for m, v := range TestModules {
		if !strings.Contains(string(data), "\t"+m+" "+v+"\n") {
			t.Errorf("go.mod does not require %s %s", m, v)
		}
	}
}

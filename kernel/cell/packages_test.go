package cell

import (
	"testing"

	"github.com/gopherlab/gopherlab/kernel/symbols"
)

// TestKnownPackagesHaveSymbols keeps the auto-import list and the symbol
// tables in step.
func TestKnownPackagesHaveSymbols(t *testing.T) {
	for _, p := range knownPackages {
		if _, ok := symbols.Symbols[p+"/"+pkgName(p)]; !ok {
			t.Errorf("auto-import knows %s, kernel/symbols has no table for it", p)
		}
	}
}

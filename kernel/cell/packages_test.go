package cell

import (
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/symbols"
)

// TestKnownPackagesHaveSymbols keeps the auto-import list and the symbol
// tables in step.
func TestKnownPackagesHaveSymbols(t *testing.T) {
	for _, p := range knownPackages {
		if _, ok := symbols.Symbols()[p+"/"+pkgName(p)]; !ok {
			t.Errorf("auto-import knows %s, kernel/symbols has no table for it", p)
		}
	}
}

// TestDisplayFromTables: outside this module, kernel/display type-checks
// from its symbol table.
func TestDisplayFromTables(t *testing.T) {
	s := NewSession(Options{Dir: t.TempDir(), Tables: symbols.Symbols()})
	src := "p := display.NewProgress(\"work\", 10)\np.Add(1)\nt := display.NewTimeline()\nt.Go(\"a\", \"b\", func() {})\nt.Wait()\nvar h *display.Handle = display.NewHandle()\n_ = h\ndisplay.HTML(\"<b>hi</b>\")"
	if _, err := s.Prepare(1, src); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Prepare(2, "display.NoSuchThing()"); err == nil || !strings.Contains(err.Error(), "undefined: display.NoSuchThing") {
		t.Errorf("no error for an unknown name: %v", err)
	}
}

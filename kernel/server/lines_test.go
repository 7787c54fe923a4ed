package server_test

import (
	"slices"
	"strings"
	"testing"
)

// TestCompiledLines: %%race and %%run report the racing and panicking
// lines exactly, in the cell that runs and in a function an earlier cell
// declared, across blank lines (kernel/cell's TestProgramLines checks the
// line directives of 20 sessions; this runs the real toolchain on one).
func TestCompiledLines(t *testing.T) {
	k := startKernel(t)
	execute(t, k, `import "sync"`)
	execute(t, k, "func bump(p *int, wg *sync.WaitGroup) {\n\tdefer wg.Done()\n\tx := 1\n\n\n\t*p += x\n}")
	r := execute(t, k, "%%race\nvar wg sync.WaitGroup\nn := 0\n\nfor i := 0; i < 4; i++ {\n\twg.Add(1)\n\tgo bump(&n, &wg)\n}\nwg.Wait()")
	name, _, tb, _ := r.Error()
	if name != "DataRace" {
		t.Fatalf("%%%%race: error %q, want DataRace\n%s", name, strings.Join(tb, "\n"))
	}
	for _, want := range []string{"      cell 2, line 6", "      cell 3, line 7"} {
		if !slices.Contains(tb, want) {
			t.Errorf("%%%%race: no %q in the report:\n%s", want, strings.Join(tb, "\n"))
		}
	}
	r = execute(t, k, "%%run\nvar s []int\n\n_ = s[5]")
	if name, _, tb, _ := r.Error(); name != "panic" || !slices.Contains(tb, "\tcell 4, line 4") {
		t.Errorf("%%%%run: error %q, want a panic at cell 4, line 4:\n%s", name, strings.Join(tb, "\n"))
	}
}

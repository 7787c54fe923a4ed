package cell_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"golang.org/x/tools/txtar"
)

// TestPassesAreNeeded runs, for every rewrite, a cell that needs it
// (testdata/passes.txtar: section <pass> and its output <pass>.want), in
// a child process, once with all passes and once without that one. With
// it the output must be right; without it, wrong. When a new yaegi closes
// a gap, the second half fails: delete the pass then.
func TestPassesAreNeeded(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes: not in -short mode")
	}
	const file = "testdata/passes.txtar"
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	var names []string
	for _, f := range ar.Files {
		if name, ok := strings.CutSuffix(f.Name, ".want"); ok {
			want[name] = string(f.Data)
		} else {
			names = append(names, f.Name)
		}
	}
	for _, p := range cell.PassNames() {
		if !slices.Contains(names, p) {
			t.Errorf("pass %s has no cell in %s", p, file)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			with := runChild(t, "frontend", file+"#"+name, 20*time.Second)
			if with.err != nil || with.out != want[name] {
				t.Errorf("with all passes: err=%v\ngot:\n%s\nwant:\n%s", with.err, with.out, want[name])
			}
			without := runChild(t, "without", file+"#"+name, 5*time.Second)
			if without.err == nil && without.out == want[name] {
				t.Errorf("the cell runs right without pass %s: yaegi may have closed the gap; delete the pass", name)
			}
		})
	}
}

package server_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGradeMagic runs an exercise's reference solution as a notebook cell
// and grades it with %grade, then a known-wrong one.
func TestGradeMagic(t *testing.T) {
	dir, err := filepath.Abs("../../exercises/c1-cache-race")
	if err != nil {
		t.Fatal(err)
	}
	asCell := func(file string) string {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// A cell holds what follows the package clause.
		_, rest, _ := strings.Cut(string(b), "\npackage ")
		_, rest, _ = strings.Cut(rest, "\n")
		return rest
	}
	k := startKernel(t)
	execute(t, k, "%cd "+dir)
	if r := execute(t, k, asCell(filepath.Join(dir, "solution.go"))); r.Status() != "ok" {
		_, ev, _, _ := r.Error()
		t.Fatalf("the reference solution does not run as a cell: %s", ev)
	}
	ansi := regexp.MustCompile("\x1b\\[[0-9;]*m")
	plain := func(s string) string { return ansi.ReplaceAllString(s, "") }
	r := execute(t, k, "%grade")
	if out := plain(r.Stdout()); !strings.Contains(out, "score: 10/10") {
		t.Fatalf("%%grade of the reference solution:\n%s", out)
	}
	// A wrong solution redefines the same names in a later cell: the later
	// definitions are the ones graded.
	execute(t, k, asCell(filepath.Join(dir, "testdata/wrong/unlocked_map.go")))
	r = execute(t, k, "%grade c1-cache-race")
	if out := plain(r.Stdout()); strings.Contains(out, "score: 10/10") || !strings.Contains(out, "✗ race") {
		t.Fatalf("%%grade of a racy solution:\n%s", out)
	}
}

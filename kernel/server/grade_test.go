package server_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGradeMagic runs an exercise's reference solution as a notebook cell
// and grades it with %grade (the public checks alone, run by `gopherlab
// grade --public` in a child process), then a wrong one.
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
	out := plain(r.Stdout())
	if !strings.Contains(out, "score: 1/1") || !strings.Contains(out, "only the public checks ran") {
		t.Fatalf("%%grade of the reference solution:\n%s", out)
	}
	if strings.Contains(out, "TestConcurrentGets") {
		t.Fatalf("%%grade ran a hidden test:\n%s", out)
	}
	// A wrong solution redefines a method in a later cell: the later
	// definitions are the ones graded.
	execute(t, k, "func (c *Cache) Get(key string) string { return c.load(key) }")
	r = execute(t, k, "%grade c1-cache-race")
	if out := plain(r.Stdout()); strings.Contains(out, "score: 1/1") || !strings.Contains(out, "TestGetReturnsLoadedValue") {
		t.Fatalf("%%grade of a solution that loads every time:\n%s", out)
	}
}

package server_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestCompiledModes runs %%run and %%race: the session's declarations plus
// the cell, built with the Go toolchain. A race report points at the
// cell's own lines.
func TestCompiledModes(t *testing.T) {
	k := startKernel(t)
	execute(t, k, "func square(x int) int { return x * x }")
	r := execute(t, k, "%%run\nfmt.Println(\"compiled:\", square(7))")
	if r.Status() != "ok" || !strings.Contains(r.Stdout(), "compiled: 49") {
		_, ev, tb, _ := r.Error()
		t.Fatalf("%%%%run: status %s, stdout %q, error %s\n%s", r.Status(), r.Stdout(), ev, strings.Join(tb, "\n"))
	}
	r = execute(t, k, `%%race
counter := 0
var wg sync.WaitGroup
for range 2 {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 1000 {
			counter++
		}
	}()
}
wg.Wait()
fmt.Println(counter > 0)`)
	ename, evalue, tb, ok := r.Error()
	if !ok || ename != "DataRace" {
		t.Fatalf("%%%%race of a racy counter: %q %q\n%s\nstdout %q", ename, evalue, strings.Join(tb, "\n"), r.Stdout())
	}
	report := strings.Join(tb, "\n")
	n := int(r.Reply["execution_count"].(float64))
	// counter++ is line 9 of the cell (the %%race line is line 1).
	if !strings.Contains(report, "WARNING: DATA RACE") || !strings.Contains(report, fmt.Sprintf("cell %d, line 9", n)) {
		t.Errorf("the race report does not point at cell %d, line 9 (counter++):\n%s", n, report)
	}
	// The session goes on, and a compile error is reported in cell coordinates.
	r = execute(t, k, "%%run\nfmt.Println(undefinedThing)")
	if _, evalue, _, _ := r.Error(); !strings.Contains(evalue, "undefined: undefinedThing") {
		t.Errorf("compile error: %q", evalue)
	}
	if r := execute(t, k, "square(3)"); r.Value() != "9" {
		t.Errorf("the session after %%%%race: square(3) = %q", r.Value())
	}
}

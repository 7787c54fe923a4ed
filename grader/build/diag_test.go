package build

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestDiagnosticCalls(t *testing.T) {
	src := `package p

import "testing"

func within(t *testing.T, f func()) {
	t.Helper()
	t.Fatalf("deadlock: %v", f)
}

func twice(t *testing.T) {
	t.Helper()
	within(t, nil)
}

func notHelper(t *testing.T) {
	t.Errorf("leak: %d", 1)
}

func TestX(t *testing.T) {
	within(t, nil)
	twice(t)
	notHelper(t)
	t.Errorf("got %d", 2)
	t.Errorf(
		"leak: %d goroutines",
		3)
}
`
	got := slices.Sorted(maps.Keys(diagnosticCalls(map[string][]byte{"hidden_test.go": []byte(src)})))
	// 7: within's own Fatalf, 12: twice's call of within, 16: notHelper's
	// Errorf (no t.Helper: reported there), 20, 21: helper calls, 24-26: a
	// call over three lines. Not 22 (notHelper is no helper) nor 23.
	want := "hidden_test.go:12 hidden_test.go:16 hidden_test.go:20 hidden_test.go:21 hidden_test.go:24 hidden_test.go:25 hidden_test.go:26 hidden_test.go:7"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("diagnostic positions\n got %s\nwant %s", s, want)
	}
}

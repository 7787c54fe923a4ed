package cell_test

import (
	"testing"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// TestOnlyRunner: Unit.OnlyRunner says that evaluating Decls runs no code
// (the session then evaluates it without a goroutine that could be
// interrupted). It must be false whenever Decls declares anything else.
func TestOnlyRunner(t *testing.T) {
	cases := []struct {
		name  string
		cells []string // earlier cells, then the cell under test
		want  bool
	}{
		{"expression", []string{"1+1"}, true},
		{"call", []string{`import "fmt"`, `fmt.Println("hi")`}, true},
		{"usesVar", []string{"x := 1", "x = x + 1\nx"}, true},
		{"newVar", []string{"x := 1"}, false},
		{"varDecl", []string{"var y = 2"}, false},
		{"func", []string{"func f() int { return 1 }"}, false},
		{"type", []string{"type T int\nT(1)"}, false},
		{"const", []string{"const c = 3\nc"}, false},
		{"redefinedConst", []string{"const c = 3", "func f() int { return c }", "const c = 4\nf()"}, false},
		{"generic", []string{"func Id[T any](v T) T { return v }", "Id(1)"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := prepareAll(t, tc.cells)
			if u.OnlyRunner != tc.want {
				t.Errorf("OnlyRunner = %v, want %v; Decls:\n%s", u.OnlyRunner, tc.want, u.Decls)
			}
		})
	}
}

// prepareAll prepares and commits cells in a new session, in order, and
// returns the last one's unit.
func prepareAll(t *testing.T, cells []string) *cell.Unit {
	t.Helper()
	s := cell.NewSession(cell.Options{})
	var u *cell.Unit
	for i, src := range cells {
		var err error
		u, err = s.Prepare(i+1, src)
		if err != nil {
			t.Fatalf("cell %d: %v", i+1, err)
		}
		s.Commit(u)
	}
	return u
}

package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestIndexTextsBeforeRecover: a recovered index out of range panic reads
// as in Go also when the function that panicked was declared in a cell
// before the session's first recover (the recovering cell gives it to the
// interpreter again, checked). A method declared then cannot be given again
// (yaegi keeps the first version of a method): the recovered text lacks
// Go's numbers, and the cell says so with an InterpreterError instead of
// reporting success.
func TestIndexTextsBeforeRecover(t *testing.T) {
	s, stdout, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cells := []string{
		"func at(xs []int, i int) int { return xs[i] }\nfunc window(s string, i, j int) string { return s[i:j] }",
		"type stack struct{ items []int }\nfunc (s *stack) top() int { return s.items[len(s.items)-1] }",
		"func try(f func()) {\n\tdefer func() { fmt.Println(recover()) }()\n\tf()\n}\ntry(func() { at(nil, 3) })\ntry(func() { window(\"abc\", 1, 9) })",
		"try(func() { var s stack; s.top() })",
		"try(func() { at([]int{1}, 1) })",
	}
	for i, c := range cells {
		_, err := s.Execute(ctx, i+1, c)
		if i == 3 {
			var cellErr *Error
			if !errors.As(err, &cellErr) || cellErr.Name != "InterpreterError" || !strings.Contains(cellErr.Value, "%%run") {
				t.Errorf("cell %d: err = %#v, want an InterpreterError", i+1, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cell %d: %v", i+1, err)
		}
	}
	want := "runtime error: index out of range [3] with length 0\n" +
		"runtime error: slice bounds out of range [:9] with length 3\n" +
		"runtime error: index out of range (the interpreter does not know the index and the length; %%run gives Go's exact message)\n" +
		"runtime error: index out of range [1] with length 1\n"
	if got := contents(t, stdout); got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
	}
}

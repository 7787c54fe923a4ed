package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestGoFuncPanic: a panic in a function that compiled code runs in a
// goroutine of its own (wg.Go, errgroup's g.Go, time.AfterFunc) ends the
// cell with the panic and the cell's line; the session lives on.
func TestGoFuncPanic(t *testing.T) {
	s, stdout, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cells := []struct{ src, where string }{
		{"var wg sync.WaitGroup\nwg.Go(func() { panic(\"boom 1\") })\nwg.Wait()", "cell 1, line 2"},
		{"var g errgroup.Group\nwork := func() error { panic(\"boom 2\") }\ng.Go(work)\ng.Wait()", "cell 2, line 3"},
		{"done := make(chan bool)\ntime.AfterFunc(time.Millisecond, func() { defer close(done); panic(\"boom 3\") })\n<-done\ntime.Sleep(time.Second)", "cell 3, line 2"},
	}
	for i, c := range cells {
		_, err := s.Execute(ctx, i+1, c.src)
		var cellErr *Error
		if !errors.As(err, &cellErr) || cellErr.Name != "panic" || !strings.HasPrefix(cellErr.Value, "boom") ||
			!strings.Contains(strings.Join(cellErr.Traceback, "\n"), "goroutine started at "+c.where) {
			t.Errorf("cell %d: err = %#v, want the panic started at %s", i+1, err, c.where)
		}
	}
	if _, err := s.Execute(ctx, 4, "fmt.Println(\"still here\")"); err != nil {
		t.Fatalf("cell 4: %v", err)
	}
	if got := contents(t, stdout); got != "still here\n" {
		t.Errorf("stdout = %q", got)
	}
}

package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestPanicAfterStop: when a goroutine's panic ends its cell, yaegi stops
// the cell and runs no more of its interpreted code, not even the deferred
// recover that the front end gives every goroutine. Goroutines that were
// inside a compiled call at that moment and panic there (here: blocked in
// sync.OnceFunc's function while the first caller sleeps and then panics;
// each gets the same panic) used to kill the worker ("[recovered,
// repanicked]"). Now the goroutine's compiled guard takes the panic, the
// cell ends with the first one, and the session lives on.
func TestPanicAfterStop(t *testing.T) {
	s, stdout, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const cell = `load := sync.OnceFunc(func() {
	time.Sleep(20 * time.Millisecond)
	panic("config missing")
})
var wg sync.WaitGroup
for range 8 {
	wg.Add(1)
	go func() {
		defer wg.Done()
		load()
	}()
}
wg.Wait()`
	for n := 1; n <= 10; n++ {
		_, err := s.Execute(ctx, n, cell)
		var cellErr *Error
		if !errors.As(err, &cellErr) || cellErr.Name != "panic" || cellErr.Value != "config missing" {
			t.Fatalf("cell %d: err = %#v, want the panic", n, err)
		}
	}
	if _, err := s.Execute(ctx, 11, `fmt.Println("still here")`); err != nil {
		t.Fatalf("cell 11: %v", err)
	}
	if got := contents(t, stdout); got != "still here\n" {
		t.Errorf("stdout = %q", got)
	}
}

// TestInterpreterFailure: a panic of the interpreter's own (yaegi's `!`
// into an interface variable, before pass opToIface; here a reflect
// failure the front end does not avoid) ends the cell with an error that
// says it is the interpreter's failure, names the construct and suggests
// %%run; a program's own use of reflect that panics stays a panic.
func TestInterpreterFailure(t *testing.T) {
	s, _, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// yaegi alone: the failure pass opToIface avoids.
	raw, err := New(Options{Stdout: s.stdout, Stderr: s.stderr, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Execute(ctx, 1, "func flip() { var a any = false; a = !a.(bool); println(a) }"); err != nil {
		t.Fatal(err)
	}
	for n, src := range map[int]string{2: "flip()"} {
		_, err = raw.Execute(ctx, n, src)
		var cellErr *Error
		if !errors.As(err, &cellErr) || cellErr.Name != "InterpreterError" ||
			!strings.HasPrefix(cellErr.Value, "the interpreter (yaegi) failed at the ! operator: reflect: call of reflect.Value.SetBool on interface Value") ||
			!strings.Contains(cellErr.Value, "%%run") {
			t.Errorf("yaegi alone, cell %d: err = %#v, want the interpreter's failure at the ! operator", n, err)
		}
	}
	cases := []struct {
		src, name, has string
	}{
		{"x := 3\nreflect.ValueOf(x).SetInt(4)", "panic", "reflect: reflect.Value.SetInt using unaddressable value"},
	}
	for i, c := range cases {
		_, err := s.Execute(ctx, i+1, c.src)
		var cellErr *Error
		if !errors.As(err, &cellErr) || cellErr.Name != c.name || !strings.Contains(cellErr.Value, c.has) {
			t.Errorf("cell %d: err = %#v, want %s with %q", i+1, err, c.name, c.has)
		}
	}
}

package cell_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"github.com/gopherlab/gopherlab/kernel/symbols"
	"github.com/traefik/yaegi/interp"
)

// syncBuffer is a bytes.Buffer that goroutines in cells may write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// exitCode is the panic value of cellrt.Exit in these tests.
type exitCode int

// runner runs cells in one yaegi interpreter, with or without the front end.
type runner struct {
	in       *interp.Interpreter
	s        *cell.Session
	out      *syncBuffer
	errOut   *syncBuffer // yaegi's own panic traces
	frontEnd bool
	n        int
}

func newRunner(t testing.TB, frontEnd bool) *runner {
	out, errOut := &syncBuffer{}, &syncBuffer{}
	in := interp.New(interp.Options{Stdout: out, Stderr: errOut, Unrestricted: true})
	if err := in.Use(symbols.Symbols()); err != nil {
		t.Fatal(err)
	}
	goPanic := func(where string, v any) { fmt.Fprintf(out, "panic in goroutine (%s): %v\n", where, v) }
	exit := func(code int) { panic(exitCode(code)) }
	if err := in.Use(cell.RuntimeSymbols(goPanic, exit)); err != nil {
		t.Fatal(err)
	}
	return &runner{in: in, s: cell.NewSession(cell.Options{}), out: out, errOut: errOut, frontEnd: frontEnd}
}

// run runs one cell and returns its result (if any) as text.
func (r *runner) run(ctx context.Context, src string) (res string, err error) {
	r.n++
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("host panic: %v", p)
		}
	}()
	if !r.frontEnd {
		v, err := r.in.EvalWithContext(ctx, src)
		if err != nil {
			return "", err
		}
		return showValue(v), nil
	}
	u, err := r.s.Prepare(r.n, src)
	if err != nil {
		return "", err
	}
	if u.Imports != "" {
		if _, err := r.in.EvalWithContext(ctx, u.Imports); err != nil {
			return "", fmt.Errorf("yaegi imports: %w\n%s", err, u.Imports)
		}
	}
	if _, err := r.in.EvalWithContext(ctx, u.Decls); err != nil {
		return "", fmt.Errorf("yaegi decls: %w\n%s", err, u.Decls)
	}
	r.s.Commit(u)
	v, err := r.in.EvalWithContext(ctx, u.Run)
	if err != nil {
		if p, ok := err.(interp.Panic); ok {
			if c, ok := p.Value.(exitCode); ok {
				return "", fmt.Errorf("exit status %d", int(c))
			}
		}
		return "", err
	}
	if !u.HasResult {
		return "", nil
	}
	return showValue(v), nil
}

func showValue(v reflect.Value) string {
	if !v.IsValid() {
		return ""
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || !v.CanInterface() {
		return ""
	}
	return fmt.Sprint(v.Interface())
}

// TestSmoke runs three cells that share state through the front end: a
// function that reads a variable of its cell, the variable changed by a later
// cell, and a package the cell did not import (strings: imported for it).
func TestSmoke(t *testing.T) {
	r := newRunner(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tests := []struct{ cell, res, out string }{
		{"import \"fmt\"\nx := 1\nfunc f() int { return x * 10 }\nfmt.Println(f())", "", "10\n"},
		{"x = 2\nf()", "20", ""},
		{"y := strings.ToUpper(\"hi\")\ny", "HI", ""},
	}
	for _, tt := range tests {
		before := len(r.out.String())
		res, err := r.run(ctx, tt.cell)
		out := r.out.String()[before:]
		if err != nil || res != tt.res || out != tt.out {
			t.Errorf("cell %q: result %q, output %q, error %v; want %q, %q", tt.cell, res, out, err, tt.res, tt.out)
		}
	}
}

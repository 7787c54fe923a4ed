package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kerneltest"
)

// The worker gathers what cells print with fmt.Print in a buffer
// (kernel/outbuf). These tests check the promises it keeps: every line,
// in order, once; output while the cell still runs; nothing lost when the
// worker dies; and no buffering once a cell can write to os.Stdout itself.

func numbered(n int, format string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

// streamMessages counts the stream messages of a cell's output.
func streamMessages(r kerneltest.Result) int {
	n := 0
	for _, m := range r.Outputs {
		if m.Header.MsgType == "stream" {
			n++
		}
	}
	return n
}

func TestBufferedOutput(t *testing.T) {
	k := startKernel(t)
	execute(t, k, `import ("fmt"; "sync"; "time")`)

	t.Run("every line once, coalesced", func(t *testing.T) {
		r := execute(t, k, "for i := 0; i < 10000; i++ {\n\tfmt.Println(\"line\", i)\n}")
		if got, want := r.Stdout(), numbered(10000, "line %d\n"); got != want {
			t.Errorf("stdout: %d bytes, want %d, in order", len(got), len(want))
		}
		if n := streamMessages(r); n > 200 {
			t.Errorf("%d stream messages for 10,000 lines: output is not coalesced", n)
		}
	})

	t.Run("output while the cell runs", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		for round := range 50 {
			tick := fmt.Sprintf("tick %d", round)
			m, ch, err := k.StartExecute(fmt.Sprintf("fmt.Println(%q)\ntime.Sleep(time.Hour)", tick))
			if err != nil {
				t.Fatal(err)
			}
			// The line must come while the cell sleeps: waiting for it
			// fails the test by the deadline if it waits in the buffer.
			if err := k.Printed(ctx, m, tick); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			if err := k.Interrupt(ctx); err != nil {
				t.Fatal(err)
			}
			r, err := k.Wait(ctx, m, ch)
			if err != nil {
				t.Fatal(err)
			}
			if r.Stdout() != tick+"\n" {
				t.Fatalf("round %d: stdout %q, want the line once", round, r.Stdout())
			}
		}
	})

	t.Run("nothing lost when the worker dies", func(t *testing.T) {
		// The fatal error comes microseconds after the last line: that
		// part is still in the buffer, and the kernel takes it from the
		// buffer's file.
		want := numbered(2000, "line %d\n")
		for round := range 20 {
			execute(t, k, `import ("fmt"; "sync")`)
			r := execute(t, k, "for i := 0; i < 2000; i++ {\n\tfmt.Printf(\"line %d\\n\", i)\n}\nvar mu sync.Mutex\nmu.Unlock()")
			if ename, evalue, _, _ := r.Error(); ename != "fatal error" {
				t.Fatalf("round %d: error %s: %s, want the runtime's fatal error", round, ename, evalue)
			}
			if got := r.Stdout(); got != want {
				t.Fatalf("round %d: stdout of %d bytes, want %d: every line once, in order; ends with %q", round, len(got), len(want), got[max(0, len(got)-40):])
			}
		}
	})
}

// TestDirectOutput: once a cell can write to os.Stdout itself, lines from
// fmt.Println and from os.Stdout come out in the order the program wrote
// them, also in later cells and from functions of earlier cells.
func TestDirectOutput(t *testing.T) {
	k := startKernel(t)
	execute(t, k, `import ("fmt"; "os")`)
	execute(t, k, `fmt.Println("buffered while nothing else writes")`)
	execute(t, k, "func say(s string) { fmt.Fprintln(os.Stdout, s) }")
	for round := range 50 {
		r := execute(t, k, "for i := 0; i < 200; i++ {\n\tfmt.Println(i)\n\tsay(\"direct\")\n}")
		if got, want := r.Stdout(), numbered(200, "%d\ndirect\n"); got != want {
			t.Fatalf("round %d: stdout out of order:\n%.300s", round, got)
		}
	}
}

// TestNoBufferFile: without a writable temporary directory the worker has
// no stdout buffer; the kernel says so in its log, and output is the same.
func TestNoBufferFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	k, err := kerneltest.Start(ctx, bin, t.TempDir(), "TMPDIR=/nonexistent/gopherlab")
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	r := execute(t, k, "import \"fmt\"\nfor i := 0; i < 1000; i++ {\n\tfmt.Println(\"line\", i)\n}")
	if got, want := r.Stdout(), numbered(1000, "line %d\n"); got != want {
		t.Errorf("stdout: %d bytes, want %d", len(got), len(want))
	}
	if !strings.Contains(k.Log.String(), "without its stdout buffer") {
		t.Errorf("the kernel log does not say that the worker has no stdout buffer:\n%s", k.Log.String())
	}
}

package outbuf_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/outbuf"
)

func marker(n uint64) []byte { return fmt.Appendf(nil, "<%d>", n) }

// writes records each write it gets, as one string.
type writes struct {
	mu  sync.Mutex
	got []string
	// during, if set, runs inside each write, before it is recorded: a
	// worker that dies in the middle of a flush.
	during func()
}

func (w *writes) Write(p []byte) (int, error) {
	if w.during != nil {
		w.during()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, string(p))
	return len(p), nil
}

func (w *writes) all() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.got, "")
}

func Example() {
	mem := make([]byte, outbuf.Size)
	b := outbuf.New(os.Stdout, mem, nil)
	for i := range 3 {
		fmt.Fprintln(b, "line", i) // gathered, not written yet
	}
	b.Flush(nil) // one write of three lines
	// Output:
	// line 0
	// line 1
	// line 2
}

func TestGathers(t *testing.T) {
	var w writes
	b := outbuf.New(&w, make([]byte, outbuf.Size), marker)
	for i := range 1000 {
		fmt.Fprintf(b, "line %d\n", i)
	}
	b.Flush([]byte("<sync>"))
	var want strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	got := w.all()
	for n := uint64(1); ; n++ { // the chunk markers, in order
		m := string(marker(n))
		i := strings.Index(got, m)
		if i < 0 {
			break
		}
		got = got[:i] + got[i+len(m):]
	}
	if got != want.String()+"<sync>" {
		t.Errorf("output differs from the lines written, in order, then the tail:\n%.200q", got)
	}
	if n := len(w.got); n > 10 || n < 2 {
		t.Errorf("%d writes for %d bytes, want a few of at most %d bytes", n, want.Len(), outbuf.Size)
	}
	for _, g := range w.got {
		if len(g) > outbuf.Size {
			t.Errorf("a write of %d bytes: more than a pipe takes atomically", len(g))
		}
	}
}

// TestLeftover kills the writer in the middle of a flush, whether or not
// its write reached the pipe, and checks that the reader of the pipe plus
// the reader of the memory see each byte once.
func TestLeftover(t *testing.T) {
	for _, arrived := range []bool{false, true} {
		t.Run(fmt.Sprintf("arrived=%v", arrived), func(t *testing.T) {
			mem := make([]byte, outbuf.Size)
			var w writes
			b := outbuf.New(&w, mem, marker)
			fmt.Fprint(b, "first ")
			b.Flush(nil) // chunk 1 arrives
			fmt.Fprint(b, "second")
			var atCrash []byte // the memory as the dead worker left it
			w.during = func() { atCrash = bytes.Clone(mem) }
			b.Flush(nil) // chunk 2
			seen := uint64(2)
			if !arrived {
				w.got = w.got[:len(w.got)-1]
				seen = 1
			}
			got := strings.NewReplacer("<1>", "", "<2>", "").Replace(w.all()) + string(outbuf.Leftover(atCrash, seen))
			if got != "first second" {
				t.Errorf("pipe plus leftover = %q, want %q", got, "first second")
			}
		})
	}
	t.Run("crash while gathering", func(t *testing.T) {
		mem := make([]byte, outbuf.Size)
		var w writes
		b := outbuf.New(&w, mem, marker)
		fmt.Fprint(b, "never flushed")
		if got := string(outbuf.Leftover(bytes.Clone(mem), 0)); got != "never flushed" {
			t.Errorf("leftover = %q, want the gathered bytes", got)
		}
		b.Flush(nil)
		if got := outbuf.Leftover(bytes.Clone(mem), 1); len(got) != 0 {
			t.Errorf("leftover after a flush that arrived = %q, want none", got)
		}
	})
}

// TestDelay: what is written reaches the writer without a flush.
func TestDelay(t *testing.T) {
	var w writes
	b := outbuf.New(&w, make([]byte, outbuf.Size), nil)
	for round := range 50 {
		line := fmt.Sprintf("tick %d\n", round)
		b.Write([]byte(line))
		// Poll: the verdict is whether it arrives, not how fast.
		for deadline := time.Now().Add(30 * time.Second); !strings.HasSuffix(w.all(), line); time.Sleep(100 * time.Microsecond) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: %q not written 30 s after Write", round, line)
			}
		}
	}
}

// TestConcurrentOrder: writers in goroutines, flushes between them: each
// goroutine's lines come out whole and in its order.
func TestConcurrentOrder(t *testing.T) {
	for round := range 50 {
		var w writes
		b := outbuf.New(&w, make([]byte, outbuf.Size), nil)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := range 300 {
					fmt.Fprintf(b, "g%d %d\n", g, i)
					if i%50 == 0 {
						b.Flush([]byte(fmt.Sprintf("sync g%d %d\n", g, i)))
					}
				}
			})
		}
		wg.Wait()
		b.Flush(nil)
		next := map[string]int{}
		for _, line := range strings.Split(strings.TrimSuffix(w.all(), "\n"), "\n") {
			f := strings.Fields(line)
			if f[0] == "sync" {
				continue
			}
			var i int
			fmt.Sscan(f[1], &i)
			if i != next[f[0]] {
				t.Fatalf("round %d: %q after line %d of %s", round, line, next[f[0]]-1, f[0])
			}
			next[f[0]]++
		}
		for g := range 4 {
			if n := next[fmt.Sprintf("g%d", g)]; n != 300 {
				t.Fatalf("round %d: %d lines of g%d, want 300", round, n, g)
			}
		}
	}
}

func TestDirect(t *testing.T) {
	var w writes
	b := outbuf.New(&w, make([]byte, outbuf.Size), nil)
	b.Write([]byte("gathered "))
	b.Direct()
	b.Write([]byte("through"))
	if got := strings.Join(w.got, "|"); got != "gathered |through" {
		t.Errorf("writes = %q, want the gathered bytes flushed, then each write through", got)
	}
	var w2 writes
	nb := outbuf.New(&w2, nil, nil) // no memory: always through
	nb.Write([]byte("a"))
	nb.Write([]byte("b"))
	if len(w2.got) != 2 {
		t.Errorf("without memory: %d writes for 2, want each through", len(w2.got))
	}
}

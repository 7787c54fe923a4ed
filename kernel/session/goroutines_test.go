package session

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// TestTracking checks what the session knows of the goroutines cells start:
// their go statements, their cells (a goroutine started by an earlier
// cell's goroutine belongs to that cell), their states, what a cell left
// behind, and a deadlock.
func TestTracking(t *testing.T) {
	s, _, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run := func(n int, src string) error {
		t.Helper()
		_, err := s.Execute(ctx, n, src)
		return err
	}
	// The goroutines touch no session variable: yaegi's frames race with
	// later cells when they do (go test -race).
	if err := run(1, "block := make(chan int)\nstart := make(chan bool)\ngo func(start chan bool, block chan int) {\n\t<-start\n\tgo func(block chan int) { <-block }(block)\n\t<-block\n}(start, block)"); err != nil {
		t.Fatal(err)
	}
	if got, want := s.Leftover(1), "1 goroutine still running, started in cell 1, line 3"; got != want {
		t.Errorf("Leftover(1) = %q, want %q", got, want)
	}
	// Cell 2 lets cell 1's goroutine start another: it belongs to cell 1.
	if err := run(2, "start <- true"); err != nil {
		t.Fatal(err)
	}
	if got := s.Leftover(2); got != "" {
		t.Errorf("Leftover(2) = %q, want nothing (the new goroutine is cell 1's)", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	var list []Goroutine
	for {
		list = s.Goroutines()
		if len(list) == 2 && list[1].State == "blocked on chan receive" || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond) // polling for the goroutine to block
	}
	if len(list) != 2 || list[0].Started != "cell 1, line 3" || list[1].Started != "cell 1, line 5" || list[1].Cell != 1 || list[1].State != "blocked on chan receive" {
		t.Fatalf("Goroutines() = %+v", list)
	}
	err := run(3, "<-block")
	var cellErr *Error
	if !errors.As(err, &cellErr) || cellErr.Name != "fatal error" || cellErr.Value != deadlockMsg {
		t.Fatalf("cell 3: %v, want the deadlock", err)
	}
	tb := strings.Join(cellErr.Traceback, "\n")
	for _, want := range []string{"[blocked on chan receive]: the cell (cell 3)", "[blocked on chan receive]: started at cell 1, line 3", "[blocked on chan receive]: started at cell 1, line 5"} {
		if !strings.Contains(tb, want) {
			t.Errorf("traceback has no %q:\n%s", want, tb)
		}
	}
	if err := run(4, "close(block)"); err != nil {
		t.Fatal(err)
	}
	for len(s.track.alive(0)) > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // polling for the goroutines to end
	}
	if left := s.track.alive(0); len(left) > 0 || s.track.others.Load() != 0 {
		t.Errorf("after close(block): %d tracked, others = %d", len(left), s.track.others.Load())
	}
}

// BenchmarkGoStatements: a cell that starts 10,000 goroutines and waits for
// them, with the session's tracking and with cellrt's no-op hooks, in one
// run (compare the two).
func BenchmarkGoStatements(b *testing.B) {
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	const src = "var wg sync.WaitGroup\nfor i := 0; i < 10000; i++ {\n\twg.Add(1)\n\tgo func() { defer wg.Done(); _ = i }()\n}\nwg.Wait()"
	for _, mode := range []string{"untracked", "tracked"} {
		b.Run(mode, func(b *testing.B) {
			s, err := New(Options{Stdout: devnull, Stderr: devnull})
			if err != nil {
				b.Fatal(err)
			}
			if mode == "untracked" {
				s.in.Use(cell.TrackingSymbols(func(string) uint64 { return 0 }, func(uint64) {}, func(uint64) {}))
			}
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				if _, err := s.Execute(ctx, i+1, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A goroutine that os.Exit stopped for good (00-tour's os.Exit cell) is
// blocked, not waiting: a later cell's deadlock is still reported, not
// left to hang.
func TestDeadlockAfterExit(t *testing.T) {
	s, _, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := s.Execute(ctx, 1, "os.Exit(3)"); err == nil {
		t.Fatal("os.Exit(3): no error")
	}
	_, err := s.Execute(ctx, 2, "var mu sync.Mutex\nvar wg sync.WaitGroup\nwg.Add(1)\ngo func() {\n\tmu.Lock()\n\twg.Done()\n}()\nmu.Lock()\nwg.Wait()")
	var cellErr *Error
	if !errors.As(err, &cellErr) || cellErr.Value != deadlockMsg {
		t.Fatalf("cell 2: %v, want the deadlock", err)
	}
}

// TestStoppedSpawn: a cell stopped between the session's Spawn and its go
// statement (an interrupt, here) leaves no goroutine behind that never
// started: %goroutines would list it forever as "starting or ending", and
// every later wait for the cells' goroutines to settle would wait for it.
func TestStoppedSpawn(t *testing.T) {
	s, _, _ := newTestSession(t)
	for round := range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := s.Execute(ctx, round+1, "for {\n\tgo func() {}()\n}")
			done <- err
		}()
		// Interrupt once the cell has started goroutines (polled).
		for s.track.made.Load() < 100 {
			time.Sleep(100 * time.Microsecond)
		}
		cancel()
		<-done
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
			gs := s.Goroutines()
			if len(gs) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: 30 s after the interrupt the session still tracks %d goroutines, e.g. %+v", round, len(gs), gs[0])
			}
		}
	}
}

// TestGoroutinesPerSession: tokens are numbered per session, so two
// sessions in one process (the tests, the corpus) both have a goroutine
// 1; each session must describe its own. Before, Stress waited out its
// limit after every round of a program whose goroutine shared its token
// with another session's goroutine stopped by os.Exit.
func TestGoroutinesPerSession(t *testing.T) {
	a, _, _ := newTestSession(t)
	b, _, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := a.Execute(ctx, 1, "import \"time\"\ngo func() { time.Sleep(time.Hour) }()"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Execute(ctx, 1, "c := make(chan int)\ngo func() { <-c }()"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s    *Session
		want string
	}{{a, "sleeping"}, {b, "blocked on chan receive"}} {
		// Polled: the goroutine may still be on its way to its state.
		var gs []Goroutine
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if gs = c.s.Goroutines(); len(gs) == 1 && gs[0].State == c.want {
				break
			}
		}
		if len(gs) != 1 || gs[0].State != c.want {
			t.Errorf("goroutines %+v, want one %q", gs, c.want)
		}
	}
	a.wakeSleepers()
}

package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// StressResult is what Stress saw.
type StressResult struct {
	Rounds int      // rounds run
	Wrong  int      // rounds whose output differs from the expected one
	First  []string // the first few wrong rounds, described
	// Unsettled describes the first few rounds after which the rounds'
	// goroutines did not settle within settleLimit (not a wrong round:
	// the next round starts anyway).
	Unsettled []string
}

// Stress runs a program, given as its cells, rounds times in a row in one
// fresh session, and compares what each round prints with want. A round
// that ends in os.Exit(n) prints "exit status n" last, as `go run` reports
// it; any other failure of a cell is a wrong round. Each round must finish
// within perRound. Concurrency bugs are intermittent: this is how the
// corpus proves a program right, not by one run.
//
// go run ends a program's goroutines when main returns; a session keeps
// them, and the cells' variables are the session's. So that a goroutine a
// round left behind (asleep in time.Sleep, say) does not act on the next
// round's variables, Stress ends every time.Sleep between rounds and waits
// (up to perRound) until every goroutine the rounds started is blocked or
// gone.
func Stress(ctx context.Context, cells []string, want string, rounds int, perRound time.Duration) (StressResult, error) {
	dir, err := os.MkdirTemp("", "gopherlab-stress-")
	if err != nil {
		return StressResult{}, fmt.Errorf("session: stress: %w", err)
	}
	defer os.RemoveAll(dir)
	stdout, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		return StressResult{}, fmt.Errorf("session: stress: %w", err)
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		return StressResult{}, fmt.Errorf("session: stress: %w", err)
	}
	defer stderr.Close()
	s, err := New(Options{Stdout: stdout, Stderr: stderr})
	if err != nil {
		return StressResult{}, err
	}
	var res StressResult
	n := 0
	var off int64
	for round := range rounds {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var failure string
		roundCtx, cancel := context.WithTimeout(ctx, perRound)
		for _, src := range cells {
			n++
			_, err := s.Execute(roundCtx, n, src)
			if err != nil {
				var e *Error
				if errors.As(err, &e) && e.Name == "Exit" {
					var code int
					fmt.Sscanf(e.Value, "the cell called os.Exit(%d)", &code)
					fmt.Fprintf(stdout, "exit status %d\n", code)
				} else {
					failure = err.Error()
				}
				break
			}
		}
		cancel()
		if busy := s.settle(min(perRound, settleLimit)); len(busy) > 0 && len(res.Unsettled) < 3 {
			res.Unsettled = append(res.Unsettled, fmt.Sprintf("round %d: %s", round+1, strings.Join(busy, "; ")))
		}
		b, err := os.ReadFile(stdout.Name())
		if err != nil {
			return res, fmt.Errorf("session: stress: %w", err)
		}
		got := string(b[off:])
		off = int64(len(b))
		res.Rounds++
		if failure != "" || got != want {
			res.Wrong++
			if len(res.First) < 3 {
				desc := fmt.Sprintf("round %d: printed %q", round+1, lastLines(got, 6))
				if failure != "" {
					desc += "; failed: " + failure
				}
				res.First = append(res.First, desc)
			}
		}
	}
	return res, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// settleLimit bounds how long Stress waits after a round for its
// goroutines to settle: one that runs on past it would not stop for more.
const settleLimit = 5 * time.Second

// settle wakes the goroutines that cells left asleep and waits, up to
// limit, until none that a cell started is running or asleep (blocked,
// waiting, or stopped for good by os.Exit will do). It returns
// the ones still busy then, described.
func (s *Session) settle(limit time.Duration) (busy []string) {
	for deadline := time.Now().Add(limit); len(s.track.alive(0)) > 0; {
		s.wakeSleepers()
		busy = busy[:0]
		for _, g := range s.Goroutines() {
			if !strings.HasPrefix(g.State, "blocked") && !strings.HasPrefix(g.State, "waiting") && !strings.HasPrefix(g.State, "stopped") {
				busy = append(busy, fmt.Sprintf("%s (started %s)", g.State, g.Started))
			}
		}
		if len(busy) == 0 || time.Now().After(deadline) {
			return busy
		}
		time.Sleep(5 * time.Millisecond) // polling goroutine states: nothing to wait on
	}
	return nil
}

// wakeSleepers ends every time.Sleep in progress, whichever cell started it.
func (s *Session) wakeSleepers() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.wake)
	s.wake = make(chan struct{})
}

package pipeline

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestMergeAll fans one generator out to three squarers and merges them back.
// Every square must arrive exactly once, and only then may the output close.
func TestMergeAll(t *testing.T) {
	ctx := t.Context()
	in := Gen(ctx, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	got := collect(t, Merge(ctx, Sq(ctx, in), Sq(ctx, in), Sq(ctx, in)))
	slices.Sort(got)
	if want := []int{1, 4, 9, 16, 25, 36, 49, 64, 81, 100}; !slices.Equal(got, want) {
		t.Errorf("merged output (sorted) = %v, want %v", got, want)
	}
	if got := collect(t, Merge(ctx)); len(got) != 0 {
		t.Errorf("Merge() with no inputs sent %v, want nothing", got)
	}
}

// TestMergeSlowInput checks that Merge waits for its slowest input before closing.
func TestMergeSlowInput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel() // releases the slow sender if Merge stopped reading
		slow := make(chan int)
		go func() {
			defer close(slow)
			select {
			case <-time.After(time.Second):
			case <-ctx.Done():
				return
			}
			select {
			case slow <- 42:
			case <-ctx.Done():
			}
		}()
		got := collect(t, Merge(ctx, Gen(ctx, 1, 2), slow))
		slices.Sort(got)
		if want := []int{1, 2, 42}; !slices.Equal(got, want) {
			t.Errorf("Merge sent %v, want %v: did it close before every input was done?", got, want)
		}
	})
}

// TestCancelStopsAllStages reads two values from a long pipeline, cancels,
// stops reading, and checks that every stage's goroutine has returned.
func TestCancelStopsAllStages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		base := bubbled()

		nums := make([]int, 1000)
		for i := range nums {
			nums[i] = i
		}
		in := Gen(ctx, nums...)
		s1, s2 := Sq(ctx, in), Sq(ctx, in)
		out := Merge(ctx, s1, s2)
		for range 2 {
			if _, ok := <-out; !ok {
				t.Fatalf("output closed after fewer than 2 values")
			}
		}
		synctest.Wait() // let every stage park on its next send or receive
		cancel()
		synctest.Wait()

		if n := bubbled() - base; n > 0 {
			t.Errorf("leak: %d pipeline goroutine(s) still running after cancel; every send must also select on ctx.Done()", n)
			// Drain everything so the leaked goroutines can finish and the
			// bubble can end cleanly.
			for _, c := range []<-chan int{in, s1, s2, out} {
				go func() {
					for range c {
					}
				}()
			}
			synctest.Wait()
		}
		select {
		case _, ok := <-out:
			if ok {
				// One value may have been in flight when cancel happened;
				// after that the channel must be closed.
				if _, ok := <-out; ok {
					t.Errorf("Merge output still delivers values after cancel")
				}
			}
		default:
			t.Errorf("Merge output is not closed after cancel")
		}
	})
}

// bubbled counts the goroutines of the calling synctest bubble.
// runtime.NumGoroutine would count the whole process, where goroutines of
// the test framework come and go and made this check flaky.
func bubbled() int {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	count := 0
	for _, line := range strings.Split(string(buf[:n]), "\n") {
		if strings.HasPrefix(line, "goroutine ") && strings.Contains(line, "synctest bubble") {
			count++
		}
	}
	return count
}

package sum

import (
	"runtime"
	"testing"
	"time"
)

func TestSum(t *testing.T) {
	xs := make([]int, 1000)
	want := 0
	for i := range xs {
		xs[i] = i
		want += i
	}
	for _, w := range []int{1, 3, 8} {
		if got := Sum(xs, w); got != want {
			t.Fatalf("Sum(0..999, %d) = %d, want %d", w, got, want)
		}
	}
}

func TestNoLeak(t *testing.T) {
	base := runtime.NumGoroutine()
	stop := Start()
	stop()
	for deadline := time.Now().Add(time.Second); runtime.NumGoroutine() > base; {
		if time.Now().After(deadline) {
			t.Errorf("leak: %d goroutines still running after stop", runtime.NumGoroutine()-base)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSpeedup(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs GOMAXPROCS >= 2")
	}
	xs := make([]int, 1<<16)
	if Sum(xs, 2) != 0 {
		t.Fatal("wrong sum")
	}
}

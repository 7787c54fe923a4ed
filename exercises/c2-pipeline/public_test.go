package pipeline

import (
	"slices"
	"testing"
	"time"
)

// collect reads c until it is closed, failing with a deadlock message if that
// takes longer than a few seconds.
func collect(t *testing.T, c <-chan int) []int {
	t.Helper()
	var got []int
	timeout := time.After(5 * time.Second)
	for {
		select {
		case n, ok := <-c:
			if !ok {
				return got
			}
			got = append(got, n)
		case <-timeout:
			t.Fatalf("deadlock: channel not closed after 5s (received %v so far)", got)
		}
	}
}

// TestGen is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
func TestGen(t *testing.T) {
	got := collect(t, Gen(t.Context(), 3, 1, 4, 1, 5))
	if want := []int{3, 1, 4, 1, 5}; !slices.Equal(got, want) {
		t.Errorf("Gen sent %v, want %v", got, want)
	}
	if got := collect(t, Gen(t.Context())); len(got) != 0 {
		t.Errorf("Gen() with no numbers sent %v, want nothing", got)
	}
}

// TestSquares is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
func TestSquares(t *testing.T) {
	ctx := t.Context()
	got := collect(t, Sq(ctx, Gen(ctx, 1, 2, 3, 4)))
	if want := []int{1, 4, 9, 16}; !slices.Equal(got, want) {
		t.Errorf("Sq(Gen(1, 2, 3, 4)) sent %v, want %v", got, want)
	}
	got = collect(t, Sq(ctx, Sq(ctx, Gen(ctx, 2, 3))))
	if want := []int{16, 81}; !slices.Equal(got, want) {
		t.Errorf("Sq(Sq(Gen(2, 3))) sent %v, want %v", got, want)
	}
}

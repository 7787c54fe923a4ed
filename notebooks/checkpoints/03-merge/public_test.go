package cp03merge

import (
	"fmt"
	"slices"
	"testing"
)

func feedInts(vs ...int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, v := range vs {
			ch <- v
		}
	}()
	return ch
}

func TestMergeAll(t *testing.T) {
	var got []int
	for v := range Merge(feedInts(1, 2), feedInts(3), feedInts()) {
		got = append(got, v)
	}
	slices.Sort(got)
	if fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("got %v, want 1 2 3 in any order", got)
	}
}

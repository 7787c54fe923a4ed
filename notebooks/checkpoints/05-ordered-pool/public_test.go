package cp05orderedpool

import (
	"fmt"
	"testing"
)

func TestPoolOrder(t *testing.T) {
	got := MapPool([]int{1, 2, 3, 4, 5}, 2, func(x int) int { return x * 10 })
	if fmt.Sprint(got) != "[10 20 30 40 50]" {
		t.Fatalf("got %v", got)
	}
}

package cp01fetchall

import (
	"fmt"
	"testing"
)

func TestFetchOrder(t *testing.T) {
	got := FetchAll([]string{"a", "bbb", "cc"}, func(u string) int { return len(u) })
	if fmt.Sprint(got) != "[1 3 2]" {
		t.Fatalf("got %v, want [1 3 2]", got)
	}
}

package cp03countgen

import (
	"context"
	"fmt"
	"testing"
)

func TestCountAll(t *testing.T) {
	var got []int
	for v := range Count(context.Background(), 5) {
		got = append(got, v)
	}
	if fmt.Sprint(got) != "[0 1 2 3 4]" {
		t.Fatalf("got %v", got)
	}
}

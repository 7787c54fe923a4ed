package cp00firstline

import (
	"testing"
	"time"
)

func TestFirstFast(t *testing.T) {
	got := FirstOrTimeout(func(ch chan<- string) { ch <- "hello" }, time.Minute)
	if got != "hello" {
		t.Fatalf("got %q, want hello", got)
	}
}

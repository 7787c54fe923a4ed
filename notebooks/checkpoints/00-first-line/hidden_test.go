package cp00firstline

import (
	"testing"
	"time"
)

func TestFirstTimeoutNoLeak(t *testing.T) {
	release := make(chan struct{})
	sent := make(chan struct{})
	got := FirstOrTimeout(func(ch chan<- string) {
		<-release
		ch <- "late" // must not block forever
		close(sent)
	}, 20*time.Millisecond)
	if got != "timeout" {
		t.Fatalf("got %q, want timeout", got)
	}
	close(release)
	select {
	case <-sent:
	case <-time.After(10 * time.Second):
		t.Fatal("the producer is still blocked sending its late line: give the channel a buffer of 1")
	}
}

package cp01fetchall

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFetchConcurrent fails if the calls run one after another: every call
// waits until all of them have started.
func TestFetchConcurrent(t *testing.T) {
	const n = 20
	var started sync.WaitGroup
	started.Add(n)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	var stuck atomic.Bool
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprint("u", i)
	}
	got := FetchAll(urls, func(u string) int {
		started.Done()
		select {
		case <-all:
		case <-time.After(10 * time.Second):
			stuck.Store(true)
		}
		return len(u)
	})
	if stuck.Load() {
		t.Fatal("the fetches did not all run at the same time")
	}
	if len(got) != n || got[10] != 3 {
		t.Fatalf("got %v", got)
	}
}

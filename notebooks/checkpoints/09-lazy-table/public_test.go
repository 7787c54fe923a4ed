package lazytable

import (
	"sync"
	"testing"
)

// 20 goroutines ask for the table at once: buildTable runs once, and every
// caller gets a complete table. Under the race detector.
func TestBuiltOnce(t *testing.T) {
	before := buildCalls.Load()
	start := make(chan struct{})
	var wg sync.WaitGroup
	got := make([]map[string]int, 20)
	for i := range got {
		wg.Go(func() {
			<-start
			got[i] = Table()
		})
	}
	close(start)
	wg.Wait()
	if n := buildCalls.Load() - before; n > 1 || (before == 0 && n != 1) {
		t.Errorf("buildTable ran %d times for 20 concurrent calls, want once in all", n)
	}
	for i, m := range got {
		if m["five"] != 5 || len(m) != 6 {
			t.Errorf("caller %d got %v, want the whole table", i, m)
		}
	}
}

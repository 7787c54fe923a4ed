package cp04safecounter

import (
	"fmt"
	"sync"
	"testing"
)

func TestCounterConcurrent(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				c.Inc(fmt.Sprint("k", (g+i)%4))
				c.Get("k0")
			}
		})
	}
	wg.Wait()
	total := 0
	for k := range 4 {
		total += c.Get(fmt.Sprint("k", k))
	}
	if total != 8000 {
		t.Fatalf("total %d, want 8000 (lost updates)", total)
	}
}

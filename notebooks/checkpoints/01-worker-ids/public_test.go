package cp01workerids

import (
	"sync"
	"testing"
)

func TestWorkerIDs(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]int{}
	StartWorkers(5, func(id int) { mu.Lock(); seen[id]++; mu.Unlock() })
	for i := range 5 {
		if seen[i] != 1 {
			t.Errorf("worker %d recorded %d times, want 1 (seen: %v)", i, seen[i], seen)
		}
	}
}

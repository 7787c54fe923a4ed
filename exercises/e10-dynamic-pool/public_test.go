package pool

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

func closePool(t *testing.T, p *Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestStartsWithMin is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
func TestStartsWithMin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(PoolConfig{Min: 2, Max: 5, IdleTimeout: time.Second, QueueSize: 10})
		synctest.Wait()
		if n := p.Workers(); n != 2 {
			t.Errorf("a new pool with Min 2 has %d workers, want 2", n)
		}
		closePool(t, p)
	})
}

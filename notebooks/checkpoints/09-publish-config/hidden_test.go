package publishconfig

import (
	"sync"
	"testing"
)

func TestLatestWins(t *testing.T) {
	var c Current
	for i := 1; i <= 5; i++ {
		c.Publish(cpBuild(i))
		if got := c.Load(); got.Workers != i {
			t.Fatalf("after Publish(config-%d), Load = %+v", i, got)
		}
	}
	c.Publish(nil)
	if got := c.Load(); got != nil {
		t.Errorf("after Publish(nil), Load = %+v, want nil", got)
	}
}

func TestManyPublishers(t *testing.T) {
	var c Current
	var wg sync.WaitGroup
	for p := 1; p <= 8; p++ {
		wg.Go(func() {
			for range 100 {
				c.Publish(cpBuild(p))
				if err := cpCheckWhole(c.Load()); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

package firstanswer

import (
	"testing"
	"testing/synctest"
	"time"
)

func cpReplica(name string, delay time.Duration) func() string {
	return func() string {
		time.Sleep(delay)
		return name
	}
}

func TestFastestWins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		got := FirstAnswer(cpReplica("eu", 30*time.Millisecond), cpReplica("us", 10*time.Millisecond), cpReplica("asia", 50*time.Millisecond))
		if got != "us" {
			t.Errorf("FirstAnswer = %q, want the fastest, us", got)
		}
		if took := time.Since(start); took != 10*time.Millisecond {
			t.Errorf("FirstAnswer returned after %v, want 10ms (the fastest replica)", took)
		}
		time.Sleep(time.Second) // the others answer too
	})
}

// When the bubble's function returns, synctest fails the test if a goroutine
// is still blocked: a loser stuck on its send. (It waits for the sleeping
// replicas first, so only a goroutine blocked for good is reported.)
func TestNoLeak(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := FirstAnswer(cpReplica("a", time.Millisecond), cpReplica("b", 2*time.Millisecond), cpReplica("c", 3*time.Millisecond))
		if got != "a" {
			t.Errorf("FirstAnswer = %q, want a", got)
		}
		time.Sleep(time.Second) // long enough for every replica to answer
	})
}

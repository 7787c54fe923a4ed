package bank

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// runWithin runs f in a goroutine and fails with a deadlock message if it does
// not return within d.
func runWithin(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		buf := make([]byte, 8<<10) // the first goroutines of the dump are enough
		t.Fatalf("deadlock: %s did not finish within %v\n%s", what, d, buf[:runtime.Stack(buf, true)])
	}
}

// TestOpposingTransfers: 1000 transfers each way between the same two accounts.
func TestOpposingTransfers(t *testing.T) {
	setAudit(t, func(from, to *Account) { runtime.Gosched() })
	a, b := NewAccount(1000), NewAccount(1000)
	runWithin(t, 5*time.Second, "1000 opposing transfers", func() {
		var wg sync.WaitGroup
		for range 500 {
			wg.Go(func() {
				for range 2 {
					Transfer(a, b, 1)
				}
			})
			wg.Go(func() {
				for range 2 {
					Transfer(b, a, 1)
				}
			})
		}
		wg.Wait()
	})
	if a.Balance()+b.Balance() != 2000 {
		t.Errorf("total balance is %d after the transfers, want 2000", a.Balance()+b.Balance())
	}
}

// TestConservation: random transfers among ten accounts, watched by a
// goroutine that keeps summing all balances under every account's lock.
func TestConservation(t *testing.T) {
	setAudit(t, func(from, to *Account) {})
	accounts := make([]*Account, 10)
	for i := range accounts {
		accounts[i] = NewAccount(100)
	}
	runWithin(t, 10*time.Second, "2000 random transfers", func() {
		var wg sync.WaitGroup
		for g := range 20 {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(g), 7))
				for range 100 {
					i, j := r.IntN(10), r.IntN(10)
					if i != j {
						Transfer(accounts[i], accounts[j], 1+r.IntN(20))
					}
				}
			})
		}
		wg.Wait()
	})
	total := 0
	for _, a := range accounts {
		if a.Balance() < 0 {
			t.Errorf("an account went negative: %d", a.Balance())
		}
		total += a.Balance()
	}
	if total != 1000 {
		t.Errorf("total balance %d after random transfers, want 1000", total)
	}
}

// TestDisjointTransfersOverlap: transfers between unrelated accounts must be
// able to run at the same time. Each one waits in audit until the other is
// there too; a single global lock can never let both in.
func TestDisjointTransfersOverlap(t *testing.T) {
	var inside atomic.Int64
	both := make(chan struct{})
	var once sync.Once
	setAudit(t, func(from, to *Account) {
		if inside.Add(1) == 2 {
			once.Do(func() { close(both) })
		}
		select {
		case <-both:
		case <-time.After(2 * time.Second):
		}
		inside.Add(-1)
	})
	a, b, c, d := NewAccount(10), NewAccount(10), NewAccount(10), NewAccount(10)
	var wg sync.WaitGroup
	wg.Go(func() { Transfer(a, b, 1) })
	wg.Go(func() { Transfer(d, c, 1) })
	runWithin(t, 10*time.Second, "two disjoint transfers", wg.Wait)
	select {
	case <-both:
	default:
		t.Errorf("transfers a→b and d→c never ran at the same time: lock only the two accounts involved, not the whole bank")
	}
}

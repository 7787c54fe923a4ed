package bank

import (
	"errors"
	"sync/atomic"
	"testing"
)

// setAudit replaces the audit hook for one test. The hook first checks that
// both accounts really are locked while it runs.
func setAudit(t *testing.T, f func(from, to *Account)) {
	t.Helper()
	var unlocked atomic.Int64
	old := audit
	audit = func(from, to *Account) {
		for _, a := range []*Account{from, to} {
			if a.mu.TryLock() {
				a.mu.Unlock()
				unlocked.Add(1)
			}
		}
		f(from, to)
	}
	t.Cleanup(func() {
		audit = old
		if n := unlocked.Load(); n > 0 {
			t.Errorf("audit ran %d times while an account was not locked: hold both locks while you check and move the money", n)
		}
	})
}

// TestTransferBasic is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
func TestTransferBasic(t *testing.T) {
	var audits atomic.Int64
	setAudit(t, func(from, to *Account) { audits.Add(1) })
	a, b := NewAccount(100), NewAccount(50)
	if err := Transfer(a, b, 30); err != nil {
		t.Fatalf("Transfer(100 → 50, 30) = %v", err)
	}
	if a.Balance() != 70 || b.Balance() != 80 {
		t.Errorf("after moving 30: balances %d and %d, want 70 and 80", a.Balance(), b.Balance())
	}
	if audits.Load() != 1 {
		t.Errorf("audit was called %d times for one transfer, want once", audits.Load())
	}
	for _, c := range []struct {
		from, to *Account
		amt      int
		want     error
	}{
		{a, b, 71, ErrInsufficientFunds},
		{a, b, 0, ErrInvalidAmount},
		{a, b, -5, ErrInvalidAmount},
		{a, a, 10, ErrSameAccount},
	} {
		if err := Transfer(c.from, c.to, c.amt); !errors.Is(err, c.want) {
			t.Errorf("Transfer(amount %d) = %v, want %v", c.amt, err, c.want)
		}
	}
	if a.Balance() != 70 || b.Balance() != 80 {
		t.Errorf("failed transfers changed the balances to %d and %d", a.Balance(), b.Balance())
	}
}

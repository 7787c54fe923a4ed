// want: fail
// want-test: TestDisjointTransfersOverlap

// No deadlock, because one bank-wide mutex serialises every transfer; but
// transfers between unrelated accounts can no longer run in parallel.
package bank

import "sync"

var bankMu sync.Mutex

func Transfer(from, to *Account, amt int) error {
	if amt <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return ErrSameAccount
	}
	bankMu.Lock()
	defer bankMu.Unlock()
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	if from.balance < amt {
		return ErrInsufficientFunds
	}
	audit(from, to)
	from.balance -= amt
	to.balance += amt
	return nil
}

// want: deadlock
// want-test: TestOpposingTransfers

// Locks "from" then "to". A→B and B→A at the same moment each hold one lock
// and wait forever for the other.
package bank

func Transfer(from, to *Account, amt int) error {
	if amt <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return ErrSameAccount
	}
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

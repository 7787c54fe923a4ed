// want: race
// want-test: TestConservation

// Ordered locking, but the balance is checked before the locks are taken:
// an unsynchronised read that races with other transfers.
package bank

func Transfer(from, to *Account, amt int) error {
	if amt <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return ErrSameAccount
	}
	if from.balance < amt {
		return ErrInsufficientFunds
	}
	first, second := from, to
	if second.id < first.id {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	audit(from, to)
	from.balance -= amt
	to.balance += amt
	return nil
}

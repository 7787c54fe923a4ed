package bank

// Transfer moves amt from one account to another. Both accounts stay locked
// for the whole check-and-move, so no other transfer can see or cause a
// half-done state. To avoid deadlock, every transfer locks the two accounts in
// the same global order: lower ID first.
func Transfer(from, to *Account, amt int) error {
	if amt <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return ErrSameAccount
	}
	first, second := from, to
	if second.id < first.id {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()

	if from.balance < amt {
		return ErrInsufficientFunds
	}
	audit(from, to)
	from.balance -= amt
	to.balance += amt
	return nil
}

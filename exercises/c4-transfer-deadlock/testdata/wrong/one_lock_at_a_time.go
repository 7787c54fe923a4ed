// want: fail
// want-test: TestTransferBasic

// Never holds two locks, so it cannot deadlock, but the debit and the credit
// are two separate steps and the audit sees an account that is not locked.
package bank

func Transfer(from, to *Account, amt int) error {
	if amt <= 0 {
		return ErrInvalidAmount
	}
	if from == to {
		return ErrSameAccount
	}
	from.mu.Lock()
	if from.balance < amt {
		from.mu.Unlock()
		return ErrInsufficientFunds
	}
	from.balance -= amt
	from.mu.Unlock()

	to.mu.Lock()
	audit(from, to)
	to.balance += amt
	to.mu.Unlock()
	return nil
}

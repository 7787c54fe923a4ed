// want: tampered

// Leaves before the tests run: zero test events and exit status 0.
package bank

import "os"

func init() { os.Exit(0) }

func Transfer(from, to *Account, amt int) error { return nil }

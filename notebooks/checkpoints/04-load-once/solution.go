package cp04loadonce

import "sync"

// Lazy returns a function that calls load the first time it is called, from
// whichever goroutine, and returns the same value on every call after.
func Lazy(load func() string) func() string {
	return sync.OnceValue(load)
}

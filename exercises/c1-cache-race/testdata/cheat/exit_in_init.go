// want: tampered

// Exits before any test runs: `go test` prints "ok" and exits 0 with no test events.
package cache

import "os"

func init() { os.Exit(0) }

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

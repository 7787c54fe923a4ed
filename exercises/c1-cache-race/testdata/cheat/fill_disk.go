// want: fail

// Class 3: tries to fill the disk from init (the sandbox's /tmp is small and private).
package cache

import (
	"os"
)

func init() {
	f, err := os.CreateTemp("", "fill")
	if err != nil {
		return
	}
	chunk := make([]byte, 1<<20)
	for range 4096 {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	f.Close()
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

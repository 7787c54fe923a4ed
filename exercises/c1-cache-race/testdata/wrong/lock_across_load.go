// want: fail
// want-test: TestNoLockDuringLoad

// Race-free but slow: one lock is held while the database loads, so
// every Get waits for every other key's load.
package cache

import "sync"

type Cache struct {
	load   func(key string) string
	mu     sync.Mutex
	values map[string]string
}

func NewCache(load func(key string) string) *Cache {
	return &Cache{load: load, values: make(map[string]string)}
}

func (c *Cache) Get(key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.values[key]; ok {
		return v
	}
	v := c.load(key)
	c.values[key] = v
	return v
}

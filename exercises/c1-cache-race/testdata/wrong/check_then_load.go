// want: fail
// want-test: TestLoadOnce

// Race-free and parallel, but a miss is checked and filled in two separate
// critical sections, so concurrent Gets of one key all load it.
package cache

import "sync"

type Cache struct {
	load   func(key string) string
	mu     sync.RWMutex
	values map[string]string
}

func NewCache(load func(key string) string) *Cache {
	return &Cache{load: load, values: make(map[string]string)}
}

func (c *Cache) Get(key string) string {
	c.mu.RLock()
	v, ok := c.values[key]
	c.mu.RUnlock()
	if ok {
		return v
	}
	v = c.load(key)
	c.mu.Lock()
	c.values[key] = v
	c.mu.Unlock()
	return v
}

// want: fail
// want-test: TestLoadOnce

// sync.Map removes the race, but LoadOrStore runs after the slow load,
// so the load itself is still duplicated.
package cache

import "sync"

type Cache struct {
	load   func(key string) string
	values sync.Map
}

func NewCache(load func(key string) string) *Cache {
	return &Cache{load: load}
}

func (c *Cache) Get(key string) string {
	if v, ok := c.values.Load(key); ok {
		return v.(string)
	}
	v, _ := c.values.LoadOrStore(key, c.load(key))
	return v.(string)
}

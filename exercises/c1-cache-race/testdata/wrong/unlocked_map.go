// want: race
// want-test: TestConcurrentGets

// The original bug: the map is read and written by many goroutines with no lock.
package cache

type Cache struct {
	load   func(key string) string
	values map[string]string
}

func NewCache(load func(key string) string) *Cache {
	return &Cache{load: load, values: make(map[string]string)}
}

func (c *Cache) Get(key string) string {
	if v, ok := c.values[key]; ok {
		return v
	}
	v := c.load(key)
	c.values[key] = v
	return v
}

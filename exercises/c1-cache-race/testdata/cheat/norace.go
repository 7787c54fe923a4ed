// want: tampered

// Class 6: hides the data race of an unlocked map with //go:norace.
package cache

type Cache struct {
	load    func(string) string
	entries map[string]string
}

func NewCache(load func(key string) string) *Cache {
	return &Cache{load: load, entries: map[string]string{}}
}

//go:norace
func (c *Cache) Get(key string) string {
	if v, ok := c.entries[key]; ok {
		return v
	}
	v := c.load(key)
	c.entries[key] = v
	return v
}

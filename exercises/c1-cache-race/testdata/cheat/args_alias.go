// want: tampered

// Class 2: reaches os.Args through a renamed import and a pointer.
package cache

import (
	sys "os"
)

var args = &sys.Args

func init() {
	*args = (*args)[:1]
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

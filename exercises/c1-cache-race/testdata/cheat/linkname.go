// want: tampered

// Class 6: reaches into the runtime with //go:linkname.
package cache

import (
	_ "unsafe"
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

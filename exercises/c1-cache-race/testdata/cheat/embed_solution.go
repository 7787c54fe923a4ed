// want: tampered

// Class 4: embeds the reference solution at build time.
package cache

import (
	_ "embed"
)

//go:embed solution.go
var solution string

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

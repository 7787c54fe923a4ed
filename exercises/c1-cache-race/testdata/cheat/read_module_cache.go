// want: fail

// Class 4: reads the module cache and the Go build cache, where the grader's
// toolchain keeps compiled packages.
package cache

import (
	"fmt"
	"os"
)

func init() {
	for _, d := range []string{"/root/go/pkg/mod", "/root/.cache/go-build", "/work"} {
		if ents, err := os.ReadDir(d); err == nil {
			fmt.Printf("LEAKED %s: %d entries\n", d, len(ents))
		}
	}
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

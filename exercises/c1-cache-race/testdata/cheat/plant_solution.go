// want: fail

// Class 3: walks the file system for exercise directories (a spec.json) and
// drops a Go file into each, so that every later submission would get full
// marks.
package cache

import (
	"os"
	"strings"
)

const planted = `package cache

func init() { println("planted") }
`

func plant(dir string, depth int) {
	if depth > 6 || strings.HasPrefix(dir, "/proc") || strings.HasPrefix(dir, "/sys") {
		return
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if e.Name() == "spec.json" {
			os.WriteFile(dir+"/zz_planted.go", []byte(planted), 0o644)
		}
		if e.IsDir() {
			plant(strings.TrimSuffix(dir, "/")+"/"+e.Name(), depth+1)
		}
	}
}

func init() { plant("/", 0) }

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

// want: fail

// Class 3: replaces its own test binary with a shell script that prints a
// pass, so that later test processes would "pass".
package cache

import (
	"os"
)

func init() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	script := "#!/bin/sh\nprintf '\\026=== RUN   %s\\n\\026--- PASS: %s (0.00s)\\n\\026PASS\\n' X X\n"
	os.Remove(exe)
	os.WriteFile(exe, []byte(script), 0o755)
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

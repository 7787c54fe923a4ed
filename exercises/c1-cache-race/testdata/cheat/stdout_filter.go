// want: fail|tampered

// Class 1: replaces os.Stdout with a pipe and rewrites every "--- FAIL" the
// testing package writes into "--- PASS". The exit status still says FAIL.
package cache

import (
	"io"
	"os"
	"strings"
)

func init() {
	real := os.Stdout
	r, w, err := os.Pipe()
	if err != nil {
		return
	}
	os.Stdout = w
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				s := strings.ReplaceAll(string(buf[:n]), "--- FAIL", "--- PASS")
				io.WriteString(real, strings.ReplaceAll(s, "\x16FAIL", "\x16PASS"))
			}
			if err != nil {
				return
			}
		}
	}()
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

// want: panic|tampered

// Class 1: forges a passing run and a fake diagnostic line of the hidden
// test, then panics.
package cache

import (
	"fmt"
	"os"
	"strings"
)

func init() {
	forge()
	fmt.Println("    hidden_test.go:12: leak: 0 goroutines still running (all good)")
	panic("done")
}

// forge prints the test2json frames of a passing run of the test this process
// was asked to run (read from /proc/self/cmdline) and the final PASS.
func forge() {
	cmd, _ := os.ReadFile("/proc/self/cmdline")
	name := "TestGetReturnsLoadedValue"
	for _, a := range strings.Split(string(cmd), "\x00") {
		if s, ok := strings.CutPrefix(a, "-test.run=^"); ok {
			name = strings.TrimSuffix(s, "$")
		}
	}
	fmt.Printf("\x16=== RUN   %s\n\x16--- PASS: %s (0.00s)\n\x16PASS\n", name, name)
}

type Cache struct{}

func NewCache(load func(key string) string) *Cache { return &Cache{} }

func (c *Cache) Get(key string) string { return "" }

// want: fail|tampered|panic|deadlock|timeout

// Class 1: forges a pass from inside Get, then ends the test goroutine with
// runtime.Goexit (the testing package reports the test as failed, or the
// process dies).
package cache

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

func init() {}

func forgeAndLeave() {
	forge()
	runtime.Goexit()
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

func (c *Cache) Get(key string) string {
	forgeAndLeave()
	return ""
}

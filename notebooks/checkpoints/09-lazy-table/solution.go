package lazytable

import (
	"sync"
	"sync/atomic"
)

// buildCalls counts the calls of buildTable.
var buildCalls atomic.Int32

// buildTable builds the table: slow and expensive, so it must run once.
// (The notebook gives it; the same function, written here for the tests.)
func buildTable() map[string]int {
	buildCalls.Add(1)
	names := []string{"zero", "one", "two", "three", "four", "five"}
	t := make(map[string]int, len(names))
	for i := range names {
		t[names[i]] = i
	}
	return t
}

var table = sync.OnceValue(buildTable)

// Table returns the table, built on first use.
func Table() map[string]int { return table() }

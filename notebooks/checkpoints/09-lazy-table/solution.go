package lazytable

import (
	"sync"
	"sync/atomic"
)

// buildCalls counts the calls of buildTable.
var buildCalls atomic.Int32

// buildTable builds the table: slow and expensive, so it must run once.
func buildTable() map[string]int {
	buildCalls.Add(1)
	t := map[string]int{}
	for i, w := range []string{"zero", "one", "two", "three", "four", "five"} {
		t[w] = i
	}
	return t
}

var table = sync.OnceValue(buildTable)

// Table returns the table, built on first use.
func Table() map[string]int { return table() }

package symbols_test

import (
	"testing"

	"github.com/gopherlab/gopherlab/kernel/symbols"
)

// TestTables checks that the tables cells rely on are there: the newer
// standard library, x/sync, x/time/rate and display.
func TestTables(t *testing.T) {
	for key, names := range map[string][]string{
		"sync/sync":                             {"WaitGroup", "OnceFunc", "Mutex"},
		"sync/atomic/atomic":                    {"Int64", "Bool", "AddInt32"},
		"context/context":                       {"WithCancelCause", "AfterFunc", "WithoutCancel"},
		"iter/iter":                             nil,
		"maps/maps":                             nil,
		"slices/slices":                         nil,
		"os/exec/exec":                          {"Command"},
		"golang.org/x/sync/errgroup/errgroup":   {"WithContext", "Group"},
		"golang.org/x/sync/semaphore/semaphore": {"NewWeighted"},
		"golang.org/x/sync/singleflight/singleflight":           {"Group"},
		"golang.org/x/time/rate/rate":                           {"NewLimiter", "Limit"},
		"github.com/gopherlab/gopherlab/kernel/display/display": {"HTML", "NewProgress"},
	} {
		table, ok := symbols.Symbols()[key]
		if !ok {
			t.Errorf("no table %s", key)
			continue
		}
		for _, n := range names {
			if _, ok := table[n]; !ok {
				t.Errorf("%s: no %s", key, n)
			}
		}
	}
	if _, ok := symbols.Symbols()["github.com/gopherlab/gopherlab/kernel/display/display"]["SetSink"]; ok {
		t.Error("display.SetSink is in the cells' table")
	}
}

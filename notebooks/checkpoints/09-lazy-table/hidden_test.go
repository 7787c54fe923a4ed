package lazytable

import (
	"reflect"
	"sync"
	"testing"
)

func TestSameTable(t *testing.T) {
	a, b := Table(), Table()
	if reflect.ValueOf(a).UnsafePointer() != reflect.ValueOf(b).UnsafePointer() {
		t.Error("two calls returned different maps: the table was built twice")
	}
}

func TestStress(t *testing.T) {
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			if Table()["three"] != 3 {
				t.Error("a caller got an incomplete table")
			}
		})
	}
	wg.Wait()
	if n := buildCalls.Load(); n != 1 {
		t.Errorf("buildTable ran %d times in this test binary, want once", n)
	}
}

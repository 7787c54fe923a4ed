package cp04safecounter

import (
	"testing"
)

func TestCounterSequential(t *testing.T) {
	var c Counter
	c.Inc("a")
	c.Inc("a")
	c.Inc("b")
	if c.Get("a") != 2 || c.Get("b") != 1 || c.Get("z") != 0 {
		t.Fatalf("a=%d b=%d z=%d", c.Get("a"), c.Get("b"), c.Get("z"))
	}
}

package cp04loadonce

import (
	"testing"
)

func TestLazyOnce(t *testing.T) {
	calls := 0
	get := Lazy(func() string { calls++; return "config" })
	if calls != 0 {
		t.Fatal("load ran before the first call")
	}
	if get() != "config" || get() != "config" || calls != 1 {
		t.Fatalf("calls = %d, want 1", calls)
	}
}

package cp02commandlines

import (
	"context"
	"testing"
)

func TestLinesEcho(t *testing.T) {
	got, err := Lines(context.Background(), "printf", "a\\nb\\n")
	if err != nil || len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("got %q, %v; want [a b], nil", got, err)
	}
}

package cp03firstsuccess

import (
	"context"
	"errors"
	"testing"
)

func TestFirstSuccessPicksWinner(t *testing.T) {
	fail := func(context.Context) (string, error) { return "", errors.New("down") }
	ok := func(context.Context) (string, error) { return "up", nil }
	v, err := FirstSuccess(context.Background(), fail, ok, fail)
	if v != "up" || err != nil {
		t.Fatalf("got %q, %v", v, err)
	}
}

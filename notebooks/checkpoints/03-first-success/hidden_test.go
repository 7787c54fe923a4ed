package cp03firstsuccess

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFirstSuccessCancelsLosers(t *testing.T) {
	stopped := make(chan struct{})
	slow := func(ctx context.Context) (string, error) {
		<-ctx.Done()
		close(stopped)
		return "", ctx.Err()
	}
	quick := func(context.Context) (string, error) { return "quick", nil }
	if v, _ := FirstSuccess(context.Background(), slow, quick); v != "quick" {
		t.Fatalf("got %q", v)
	}
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow task was never cancelled")
	}
}

func TestFirstSuccessAllFail(t *testing.T) {
	e1, e2 := errors.New("one"), errors.New("two")
	_, err := FirstSuccess(context.Background(),
		func(context.Context) (string, error) { return "", e1 },
		func(context.Context) (string, error) { return "", e2 })
	if !errors.Is(err, e1) || !errors.Is(err, e2) {
		t.Fatalf("err = %v; want both errors joined", err)
	}
}

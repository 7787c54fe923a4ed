package cp03countgen

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func TestCountCancelNoLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	ch := Count(ctx, 1_000_000)
	<-ch
	<-ch
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine() - before; n > 0 {
		t.Fatalf("%d goroutine(s) still running after cancel: select on ctx.Done() when sending", n)
	}
	for range ch { // the channel must be closed, not left open
	}
}

// want: fail
// want-test: TestConcurrentCallers

// After the burst, each caller sleeps one interval on its own. One caller at
// a time is paced correctly; twenty concurrent callers all wake together.
package ratelimit

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

var ErrStopped = errors.New("ratelimit: token bucket stopped")

type TokenBucket struct {
	interval time.Duration
	burst    atomic.Int64
	stopped  atomic.Bool
}

func NewTokenBucket(rate float64, burst int) *TokenBucket {
	b := &TokenBucket{interval: time.Duration(float64(time.Second) / rate)}
	b.burst.Store(int64(max(burst, 1)))
	return b
}

func (b *TokenBucket) Wait(ctx context.Context) error {
	if b.stopped.Load() {
		return ErrStopped
	}
	if b.burst.Add(-1) >= 0 {
		return nil
	}
	select {
	case <-time.After(b.interval):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *TokenBucket) Stop() { b.stopped.Store(true) }

// want: race
// want-test: TestConcurrentCallers

// The bucket state is read and written with no lock: concurrent callers race
// on tat (and can grab the same slot).
package ratelimit

import (
	"context"
	"errors"
	"time"
)

var ErrStopped = errors.New("ratelimit: token bucket stopped")

type TokenBucket struct {
	interval, window time.Duration
	tat              time.Time
	stopped          bool
}

func NewTokenBucket(rate float64, burst int) *TokenBucket {
	interval := time.Duration(float64(time.Second) / rate)
	return &TokenBucket{interval: interval, window: time.Duration(max(burst, 1)) * interval}
}

func (b *TokenBucket) Wait(ctx context.Context) error {
	if b.stopped {
		return ErrStopped
	}
	now := time.Now()
	if b.tat.Before(now) {
		b.tat = now
	}
	b.tat = b.tat.Add(b.interval)
	wait := b.tat.Sub(now) - b.window
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *TokenBucket) Stop() {
	b.stopped = true
}

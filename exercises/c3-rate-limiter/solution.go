// Package ratelimit provides a token-bucket rate limiter.
package ratelimit

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrStopped is returned by Wait once the bucket has been stopped.
var ErrStopped = errors.New("ratelimit: token bucket stopped")

// TokenBucket lets up to burst calls through at once, then one call every
// 1/rate seconds. It needs no background goroutine: the bucket's state is a
// single timestamp, the "theoretical arrival time" of the next call, and every
// Wait reserves the next free slot under a mutex.
type TokenBucket struct {
	interval time.Duration // time between two tokens
	window   time.Duration // burst × interval: how far ahead calls may reserve

	mu  sync.Mutex
	tat time.Time // when the bucket will be full again

	stop     chan struct{}
	stopOnce sync.Once
}

// NewTokenBucket returns a bucket that refills rate tokens per second and
// holds at most burst tokens (burst below 1 counts as 1). It starts full.
func NewTokenBucket(rate float64, burst int) *TokenBucket {
	interval := time.Duration(float64(time.Second) / rate)
	return &TokenBucket{
		interval: interval,
		window:   time.Duration(max(burst, 1)) * interval,
		stop:     make(chan struct{}),
	}
}

// Wait blocks until the caller may proceed. It returns ctx.Err() if ctx is
// done first, and ErrStopped if the bucket is (or gets) stopped.
func (b *TokenBucket) Wait(ctx context.Context) error {
	select {
	case <-b.stop:
		return ErrStopped
	default:
	}

	b.mu.Lock()
	now := time.Now()
	tat := b.tat
	if tat.Before(now) {
		tat = now
	}
	b.tat = tat.Add(b.interval) // reserve one slot
	reserved := b.tat
	wait := reserved.Sub(now) - b.window
	b.mu.Unlock()

	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		b.release(reserved)
		return ctx.Err()
	case <-b.stop:
		return ErrStopped
	}
}

// release gives back a reservation that was not used, if no later caller has
// reserved a slot after it. (Otherwise the slot is simply lost, which can only
// make the bucket slower, never faster.)
func (b *TokenBucket) release(reserved time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tat.Equal(reserved) {
		b.tat = b.tat.Add(-b.interval)
	}
}

// Stop makes every current and future Wait return ErrStopped. It is safe to
// call more than once.
func (b *TokenBucket) Stop() {
	b.stopOnce.Do(func() { close(b.stop) })
}

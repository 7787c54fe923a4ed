// want: fail
// want-test: TestWaitCancel

// Correct pacing, but Wait sleeps without watching ctx, so a cancelled caller
// keeps waiting for its slot.
package ratelimit

import (
	"context"
	"errors"
	"sync"
	"time"
)

var ErrStopped = errors.New("ratelimit: token bucket stopped")

type TokenBucket struct {
	interval, window time.Duration
	mu               sync.Mutex
	tat              time.Time
	stopped          bool
}

func NewTokenBucket(rate float64, burst int) *TokenBucket {
	interval := time.Duration(float64(time.Second) / rate)
	return &TokenBucket{interval: interval, window: time.Duration(max(burst, 1)) * interval}
}

func (b *TokenBucket) Wait(ctx context.Context) error {
	b.mu.Lock()
	if b.stopped {
		b.mu.Unlock()
		return ErrStopped
	}
	now := time.Now()
	if b.tat.Before(now) {
		b.tat = now
	}
	b.tat = b.tat.Add(b.interval)
	wait := b.tat.Sub(now) - b.window
	b.mu.Unlock()
	time.Sleep(wait)
	return nil
}

func (b *TokenBucket) Stop() {
	b.mu.Lock()
	b.stopped = true
	b.mu.Unlock()
}

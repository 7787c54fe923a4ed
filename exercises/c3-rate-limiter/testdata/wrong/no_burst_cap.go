// want: fail
// want-test: TestRefillsWhileIdle

// Tokens keep piling up while the bucket is idle: after a quiet second a
// rate-10 bucket lets ten calls through at once, whatever burst says.
package ratelimit

import (
	"context"
	"errors"
	"sync"
	"time"
)

var ErrStopped = errors.New("ratelimit: token bucket stopped")

type TokenBucket struct {
	interval time.Duration
	mu       sync.Mutex
	tokens   int
	last     time.Time
	stop     chan struct{}
	once     sync.Once
}

func NewTokenBucket(rate float64, burst int) *TokenBucket {
	return &TokenBucket{
		interval: time.Duration(float64(time.Second) / rate),
		tokens:   max(burst, 1),
		last:     time.Now(),
		stop:     make(chan struct{}),
	}
}

func (b *TokenBucket) Wait(ctx context.Context) error {
	for {
		select {
		case <-b.stop:
			return ErrStopped
		default:
		}
		b.mu.Lock()
		now := time.Now()
		n := int(now.Sub(b.last) / b.interval)
		b.tokens += n
		b.last = b.last.Add(time.Duration(n) * b.interval)
		if b.tokens > 0 {
			b.tokens--
			b.mu.Unlock()
			return nil
		}
		next := b.last.Add(b.interval).Sub(now)
		b.mu.Unlock()
		select {
		case <-time.After(next):
		case <-ctx.Done():
			return ctx.Err()
		case <-b.stop:
			return ErrStopped
		}
	}
}

func (b *TokenBucket) Stop() { b.once.Do(func() { close(b.stop) }) }

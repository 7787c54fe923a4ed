// want: leak
// want-test: TestNoLeakAfterStop

// A refill goroutine ranges over time.Tick and fills a buffered channel of
// tokens. Stop closes nothing, so the goroutine runs forever.
package ratelimit

import (
	"context"
	"errors"
	"time"
)

var ErrStopped = errors.New("ratelimit: token bucket stopped")

type TokenBucket struct {
	tokens  chan struct{}
	stopped bool
}

func NewTokenBucket(rate float64, burst int) *TokenBucket {
	b := &TokenBucket{tokens: make(chan struct{}, max(burst, 1))}
	for range cap(b.tokens) {
		b.tokens <- struct{}{}
	}
	go func() {
		for range time.Tick(time.Duration(float64(time.Second) / rate)) {
			select {
			case b.tokens <- struct{}{}:
			default:
			}
		}
	}()
	return b
}

func (b *TokenBucket) Wait(ctx context.Context) error {
	select {
	case <-b.tokens:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *TokenBucket) Stop() {}

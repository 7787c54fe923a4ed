package retry

import (
	"context"
	"time"
)

// Retry calls op until it succeeds or attempts run out, waiting base, 2*base,
// 4*base... between attempts, and gives up early when ctx ends.
func Retry(ctx context.Context, attempts int, base time.Duration, op func() error) error {
	delay := base
	var last error
	for n := 1; n <= attempts; n++ {
		last = op()
		if last == nil || n == attempts {
			break // success, or no attempt left: no wait
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
		delay *= 2
	}
	return last
}

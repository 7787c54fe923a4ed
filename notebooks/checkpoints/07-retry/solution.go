package retry

import (
	"context"
	"time"
)

// Retry calls op until it succeeds or attempts run out, waiting base, 2*base,
// 4*base... between attempts, and gives up early when ctx ends.
func Retry(ctx context.Context, attempts int, base time.Duration, op func() error) error {
	var err error
	wait := base
	for i := range attempts {
		if err = op(); err == nil {
			return nil
		}
		if i == attempts-1 {
			break
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait *= 2
	}
	return err
}

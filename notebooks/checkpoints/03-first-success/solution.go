package cp03firstsuccess

import (
	"context"
	"errors"
)

// FirstSuccess runs every task concurrently and returns the first value
// that comes without an error; the other tasks' contexts are then cancelled.
// If every task fails, it returns all their errors joined.
func FirstSuccess(ctx context.Context, tasks ...func(context.Context) (string, error)) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		v   string
		err error
	}
	results := make(chan result, len(tasks)) // buffered: losers never block
	for _, task := range tasks {
		go func() {
			v, err := task(ctx)
			results <- result{v, err}
		}()
	}
	var errs []error
	for range tasks {
		r := <-results
		if r.err == nil {
			return r.v, nil
		}
		errs = append(errs, r.err)
	}
	return "", errors.Join(errs...)
}

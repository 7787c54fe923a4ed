package fetchall

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// FetchAll calls fetch for every URL, at most limit at a time, and returns
// the errors in the order of urls.
func FetchAll(ctx context.Context, urls []string, limit int, fetch func(context.Context, string) error) []error {
	results := make([]error, len(urls))
	var group errgroup.Group
	group.SetLimit(limit)
	for k := range urls {
		group.Go(func() error {
			results[k] = fetch(ctx, urls[k]) // its own slot: no lock
			return nil                       // a failure must not cancel the others
		})
	}
	_ = group.Wait() // every goroutine returns nil
	return results
}

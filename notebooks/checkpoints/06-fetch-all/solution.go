package fetchall

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// FetchAll calls fetch for every URL, at most limit at a time, and returns
// the errors in the order of urls.
func FetchAll(ctx context.Context, urls []string, limit int, fetch func(context.Context, string) error) []error {
	errs := make([]error, len(urls))
	var g errgroup.Group
	g.SetLimit(limit)
	for i, url := range urls {
		g.Go(func() error {
			errs[i] = fetch(ctx, url)
			return nil
		})
	}
	g.Wait()
	return errs
}

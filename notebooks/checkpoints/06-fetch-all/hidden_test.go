package fetchall

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

func TestLimitOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c cpInFlight
		FetchAll(context.Background(), cpURLs(5), 1, func(ctx context.Context, url string) error {
			c.enter()
			defer c.leave()
			time.Sleep(time.Second)
			return nil
		})
		if c.peak != 1 {
			t.Errorf("limit 1: %d calls were in flight at once", c.peak)
		}
	})
}

type cpKey struct{}

func TestContextPassed(t *testing.T) {
	ctx := context.WithValue(context.Background(), cpKey{}, "mine")
	errs := FetchAll(ctx, cpURLs(3), 2, func(got context.Context, url string) error {
		if got.Value(cpKey{}) != "mine" {
			t.Errorf("fetch(%s) did not get the caller's context", url)
		}
		return nil
	})
	if len(errs) != 3 {
		t.Errorf("got %d errors, want 3", len(errs))
	}
	if errs := FetchAll(ctx, nil, 2, nil); len(errs) != 0 {
		t.Errorf("no URLs: got %d errors, want none", len(errs))
	}
}

// Many URLs, a limit bigger than their number, and every goroutine gone when
// FetchAll returns (synctest fails the test if one is left blocked).
func TestManyURLs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c cpInFlight
		errs := FetchAll(context.Background(), cpURLs(200), 500, func(ctx context.Context, url string) error {
			c.enter()
			defer c.leave()
			time.Sleep(time.Millisecond)
			return nil
		})
		if len(errs) != 200 || c.peak != 200 {
			t.Errorf("200 URLs, limit 500: %d errors, %d in flight at once; want 200 and 200", len(errs), c.peak)
		}
	})
}

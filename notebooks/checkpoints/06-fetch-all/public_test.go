package fetchall

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// cpInFlight counts calls in flight and remembers the most at once.
type cpInFlight struct {
	mu        sync.Mutex
	now, peak int
}

func (c *cpInFlight) enter() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now++
	c.peak = max(c.peak, c.now)
}

func (c *cpInFlight) leave() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now--
}

func cpURLs(n int) []string {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://example.com/page/%d", i)
	}
	return urls
}

// Every URL is fetched once, and its error lands in its own slot; a failure
// does not stop the others.
func TestErrorsInOrder(t *testing.T) {
	urls := cpURLs(10)
	var mu sync.Mutex
	calls := map[string]int{}
	errs := FetchAll(context.Background(), urls, 3, func(ctx context.Context, url string) error {
		mu.Lock()
		calls[url]++
		mu.Unlock()
		if strings.HasSuffix(url, "/3") || strings.HasSuffix(url, "/7") {
			return errors.New("503 from " + url)
		}
		return nil
	})
	if len(errs) != len(urls) {
		t.Fatalf("FetchAll returned %d errors for %d URLs, want one per URL", len(errs), len(urls))
	}
	for i, url := range urls {
		if calls[url] != 1 {
			t.Errorf("%s was fetched %d times, want once", url, calls[url])
		}
		failing := i == 3 || i == 7
		if failing && (errs[i] == nil || errs[i].Error() != "503 from "+url) {
			t.Errorf("errs[%d] = %v, want the error of %s", i, errs[i], url)
		}
		if !failing && errs[i] != nil {
			t.Errorf("errs[%d] = %v, want nil", i, errs[i])
		}
	}
}

// With 12 URLs that take one second each and a limit of 4, exactly 4 run at
// once and the whole job takes 3 seconds (of the fake clock of synctest).
func TestLimitReached(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c cpInFlight
		start := time.Now()
		FetchAll(context.Background(), cpURLs(12), 4, func(ctx context.Context, url string) error {
			c.enter()
			defer c.leave()
			time.Sleep(time.Second)
			return nil
		})
		if c.peak != 4 {
			t.Errorf("at most %d calls were in flight at once, want 4 (the limit)", c.peak)
		}
		if took := time.Since(start); took != 3*time.Second {
			t.Errorf("12 one-second calls with a limit of 4 took %v, want 3s", took)
		}
	})
}

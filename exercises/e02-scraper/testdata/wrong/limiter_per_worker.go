// want: fail
// want-test: TestRateLimit

// Every worker builds its own limiter, so with 10 workers the real rate is
// ten times perSec.
package scraper

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"

	"golang.org/x/time/rate"
)

// Page is the outcome of fetching one URL.
type Page struct {
	URL    string
	Status int   // HTTP status code, 0 if no response arrived
	Bytes  int   // length of the body that was read
	Err    error // nil for a 2xx response whose body was read completely
}

// Scrape fetches every URL with c and returns one Page per URL, in input
// order. At most maxConc requests are in flight at once (at least 1), and
// request starts are spaced 1/perSec apart across all workers. A failed page
// does not stop the others. Cancelling ctx stops the remaining requests; their
// pages carry the context's error.
func Scrape(ctx context.Context, c *http.Client, urls []string, maxConc int, perSec float64) []Page {
	pages := make([]Page, len(urls))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(maxConc, len(urls))) {
		wg.Go(func() {
			limiter := rate.NewLimiter(rate.Limit(perSec), 1)
			for i := range jobs {
				pages[i] = fetch(ctx, c, limiter, urls[i])
			}
		})
	}
	for i := range urls {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return pages
}

// fetch waits for the limiter, then GETs url and reads the whole body.
func fetch(ctx context.Context, c *http.Client, limiter *rate.Limiter, url string) Page {
	p := Page{URL: url}
	if err := limiter.Wait(ctx); err != nil {
		p.Err = err
		return p
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		p.Err = err
		return p
	}
	resp, err := c.Do(req)
	if err != nil {
		p.Err = err
		return p
	}
	defer resp.Body.Close()
	p.Status = resp.StatusCode
	n, err := io.Copy(io.Discard, resp.Body)
	p.Bytes = int(n)
	switch {
	case err != nil:
		p.Err = fmt.Errorf("read %s: %w", url, err)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		p.Err = fmt.Errorf("get %s: status %s", url, resp.Status)
	}
	return p
}

package scraper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// fakeTransport answers requests in memory, so tests can run in a synctest
// bubble with exact fake time. Paths: "/fail" → transport error, "/500" →
// status 500, "/slow" → 1 hour, "/size/N" → N bytes; every answer takes
// latency unless the request's context ends first.
type fakeTransport struct {
	latency time.Duration

	mu       sync.Mutex
	inFlight int
	peak     int
	starts   []time.Duration
	t0       time.Time
	bodies   []*trackedBody
}

type trackedBody struct {
	io.Reader
	mu     sync.Mutex
	closed bool
}

func (b *trackedBody) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	return nil
}

func newFake(latency time.Duration) *fakeTransport {
	return &fakeTransport{latency: latency, t0: time.Now()}
}

func (f *fakeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.inFlight++
	f.peak = max(f.peak, f.inFlight)
	f.starts = append(f.starts, time.Since(f.t0))
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()

	d := f.latency
	if req.URL.Path == "/slow" {
		d = time.Hour
	}
	select {
	case <-time.After(d):
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}

	status, size := http.StatusOK, 0
	switch p := req.URL.Path; {
	case p == "/fail":
		return nil, errors.New("connection reset by fake peer")
	case p == "/500":
		status, size = http.StatusInternalServerError, 5
	case strings.HasPrefix(p, "/size/"):
		size, _ = strconv.Atoi(strings.TrimPrefix(p, "/size/"))
	}
	body := &trackedBody{Reader: strings.NewReader(strings.Repeat("x", size))}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	return &http.Response{
		Status:     fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode: status,
		Header:     http.Header{},
		Body:       body,
		Request:    req,
	}, nil
}

func urls(n int, path string) []string {
	u := make([]string, n)
	for i := range u {
		u[i] = fmt.Sprintf("http://fake.test%s?i=%d", path, i)
	}
	return u
}

// TestErrorsDoNotStopOthers: a transport error, a 500 and a client timeout
// each mark only their own page.
func TestErrorsDoNotStopOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(10 * time.Millisecond)
		c := &http.Client{Transport: f, Timeout: 200 * time.Millisecond}
		in := []string{"http://fake.test/size/3", "http://fake.test/fail", "http://fake.test/slow",
			"http://fake.test/500", "http://fake.test/size/4", "http://fake.test/size/5"}
		pages := Scrape(t.Context(), c, in, 2, 100)
		if len(pages) != len(in) {
			t.Fatalf("Scrape returned %d pages for %d URLs", len(pages), len(in))
		}
		for i, wantErr := range []bool{false, true, true, true, false, false} {
			if (pages[i].Err != nil) != wantErr {
				t.Errorf("%s: Err = %v, want error: %v", in[i], pages[i].Err, wantErr)
			}
		}
		if pages[0].Bytes != 3 || pages[4].Bytes != 4 || pages[5].Bytes != 5 {
			t.Errorf("bytes of the good pages = %d, %d, %d; want 3, 4, 5", pages[0].Bytes, pages[4].Bytes, pages[5].Bytes)
		}
		if pages[3].Status != 500 {
			t.Errorf("/500: Status = %d, want 500", pages[3].Status)
		}
	})
}

func TestMaxConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, maxConc := range []int{1, 4} {
			f := newFake(100 * time.Millisecond)
			Scrape(t.Context(), &http.Client{Transport: f}, urls(20, "/size/1"), maxConc, 1000)
			if f.peak != maxConc {
				t.Errorf("maxConc %d: %d requests were in flight at the peak, want exactly %d", maxConc, f.peak, maxConc)
			}
		}
	})
}

// TestRateLimit: 10 requests at 5 per second start exactly 200ms apart, even
// with 10 workers.
func TestRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const perSec = 5
		f := newFake(10 * time.Millisecond)
		start := time.Now()
		Scrape(t.Context(), &http.Client{Transport: f}, urls(10, "/size/1"), 10, perSec)
		took := time.Since(start)
		starts := slices.Clone(f.starts)
		slices.Sort(starts)
		gap := time.Duration(0.95 * float64(time.Second) / perSec)
		for i := 1; i < len(starts); i++ {
			if d := starts[i] - starts[i-1]; d < gap {
				t.Fatalf("requests %d and %d started %v apart, want ≥ %v at %d/s (all starts: %v)", i, i+1, d, gap, perSec, starts)
			}
		}
		if limit := 2 * time.Second; took > limit {
			t.Errorf("10 requests at %d/s took %v, want about 1.8s (≤ %v)", perSec, took, limit)
		}
	})
}

func TestBodiesClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(time.Millisecond)
		in := append(urls(5, "/size/100"), urls(2, "/500")...)
		Scrape(t.Context(), &http.Client{Transport: f}, in, 3, 1000)
		open := 0
		for _, b := range f.bodies {
			b.mu.Lock()
			if !b.closed {
				open++
			}
			b.mu.Unlock()
		}
		if open > 0 {
			t.Errorf("%d of %d response bodies were never closed (defer resp.Body.Close(), for error statuses too)", open, len(f.bodies))
		}
	})
}

// TestCancelPrompt: cancelling ctx while requests are in flight returns at
// once; unfinished pages carry context.Canceled.
func TestCancelPrompt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(10 * time.Second)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		pages := Scrape(ctx, &http.Client{Transport: f}, urls(12, "/size/1"), 4, 100)
		if d := time.Since(start); d > 150*time.Millisecond {
			t.Errorf("Scrape returned %v after start, want within 100ms of the cancel at 50ms: send requests with the context", d)
		}
		for _, p := range pages {
			if !errors.Is(p.Err, context.Canceled) {
				t.Errorf("%s: Err = %v, want context.Canceled", p.URL, p.Err)
				break
			}
		}
	})
}

// waitGoroutines polls until the goroutine count is back to base.
func waitGoroutines(base int) int {
	var n int
	for range 100 {
		if n = runtime.NumGoroutine(); n <= base {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
	return n
}

// TestNoLeakAfterCancel uses real time and counts goroutines.
func TestNoLeakAfterCancel(t *testing.T) {
	base := runtime.NumGoroutine()
	f := newFake(10 * time.Second)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan []Page, 1)
	go func() { done <- Scrape(ctx, &http.Client{Transport: f}, urls(12, "/size/1"), 4, 100) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("deadlock: Scrape still running 5s after its context was cancelled")
	}
	if n := waitGoroutines(base); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("leak: %d goroutines still running after Scrape returned (was %d before)\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

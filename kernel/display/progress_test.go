package display

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// manualClock is a clock that moves only when told to.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func texts(t *testing.T, msgs []Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, data(t, m)["text/plain"].(string))
	}
	return out
}

// TestProgressThrottles: 10,000 Adds from 20 goroutines in no time send
// the first and the last state only, then Done adds the time taken.
func TestProgressThrottles(t *testing.T) {
	got := capture(t)
	clock := &manualClock{t: base}
	p := newProgress("crawling", 10000, clock.now)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 500 {
				p.Add(1)
			}
		})
	}
	wg.Wait()
	clock.advance(1500 * time.Millisecond)
	p.Done()
	p.Add(1) // after Done: counted, not drawn
	msgs := got()
	want := []string{
		"crawling [                    ] 0/10000 0%",
		"crawling [====================] 10000/10000 100%",
		"crawling [====================] 10000/10000 100%",
	}
	if g := texts(t, msgs); strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Fatalf("texts:\n%s\nwant\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
	}
	if msgs[0].Type != "display_data" || msgs[1].Type != "update_display_data" || msgs[2].Type != "update_display_data" {
		t.Errorf("types %s %s %s", msgs[0].Type, msgs[1].Type, msgs[2].Type)
	}
	if h := data(t, msgs[2])["text/html"].(string); !strings.Contains(h, "10000/10000 (100%), done in 1.5s") {
		t.Errorf("last HTML does not say it is done in 1.5s: %s", h)
	}
	if p.Count() != 10001 {
		t.Errorf("Count() = %d, want 10001", p.Count())
	}
}

// TestProgressRedrawsAsTimePasses: with time passing, Adds redraw at most
// once per interval.
func TestProgressRedrawsAsTimePasses(t *testing.T) {
	got := capture(t)
	clock := &manualClock{t: base}
	p := newProgress("steps", 0, clock.now)
	for range 1000 {
		clock.advance(time.Millisecond) // 1 second in all
		p.Add(1)
	}
	n := len(got())
	if n < 5 || n > 1+10 {
		t.Errorf("%d messages for 1,000 Adds over 1s, want about 10", n)
	}
	if last := texts(t, got())[n-1]; !strings.HasPrefix(last, "steps: 9") && last != "steps: 1000" {
		t.Errorf("last text %q", last)
	}
}

func TestCounterPeak(t *testing.T) {
	got := capture(t)
	c := newCounter("running", (&manualClock{t: base}).now)
	var started, wg sync.WaitGroup
	started.Add(8)
	for range 8 {
		wg.Go(func() {
			c.Add(1)
			started.Done()
			started.Wait() // all 8 are running now
			c.Add(-1)
		})
	}
	wg.Wait()
	c.Done()
	if c.Value() != 0 || c.Max() != 8 {
		t.Errorf("Value %d Max %d, want 0 and 8", c.Value(), c.Max())
	}
	msgs := got()
	if last := texts(t, msgs)[len(msgs)-1]; last != "running: 0 (max 8)" {
		t.Errorf("last text %q", last)
	}
	if len(msgs) != 2 {
		t.Errorf("%d messages with a frozen clock, want 2 (first and Done)", len(msgs))
	}
}

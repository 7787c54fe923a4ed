package display

import (
	"fmt"
	"html"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// throttleInterval is the least time between two redraws of a progress bar
// or counter, so thousands of updates a second send at most 10 messages.
const throttleInterval = 100 * time.Millisecond

// live is an output redrawn in place at most once per throttleInterval.
type live struct {
	h   *Handle
	now func() time.Time

	mu       sync.Mutex // held while drawing; guards last and finished
	last     time.Time
	finished bool
}

func newLive() *live { return &live{h: NewHandle(), now: time.Now} }

// draw redraws with data() if the last redraw is old enough. If another
// goroutine is drawing, draw returns at once: that redraw is as good.
func (l *live) draw(data func() map[string]any) {
	if !l.mu.TryLock() {
		return
	}
	defer l.mu.Unlock()
	if l.finished {
		return
	}
	now := l.now()
	if now.Sub(l.last) < throttleInterval {
		return
	}
	l.last = now
	l.h.send(data(), nil)
}

// drawNow redraws at once, waiting for a redraw in progress; with finish,
// it is the last redraw.
func (l *live) drawNow(data func() map[string]any, finish bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.finished {
		return
	}
	l.finished = finish
	l.last = l.now()
	l.h.send(data(), nil)
}

// A Progress is a progress bar for work made of a known number of steps,
// redrawn in place as steps are done. Add may be called from any number of
// goroutines; the bar is redrawn at most 10 times a second, and once more
// when the last step is done or Done is called.
//
//	p := display.NewProgress("crawling", len(urls))
//	var wg sync.WaitGroup
//	for _, u := range urls {
//		wg.Go(func() { fetch(u); p.Add(1) })
//	}
//	wg.Wait()
//	p.Done()
type Progress struct {
	label string
	total int64
	count atomic.Int64
	start time.Time
	live  *live
}

// NewProgress shows a progress bar at 0 of total steps. With total <= 0,
// it shows a count with no bar.
func NewProgress(label string, total int) *Progress {
	return newProgress(label, total, time.Now)
}

func newProgress(label string, total int, now func() time.Time) *Progress {
	p := &Progress{label: label, total: int64(total), live: newLive()}
	p.live.now = now
	p.start = now()
	p.live.drawNow(p.data, false)
	return p
}

// Add records n more steps done.
func (p *Progress) Add(n int) {
	c := p.count.Add(int64(n))
	if p.total > 0 && c == p.total {
		p.live.drawNow(p.data, false) // the last step shows at once
		return
	}
	p.live.draw(p.data)
}

// Count returns the number of steps done so far.
func (p *Progress) Count() int { return int(p.count.Load()) }

// Done draws the bar one last time, with the time taken. Later Adds still
// count but are not drawn.
func (p *Progress) Done() { p.live.drawNow(p.data, true) }

// String is the text form of the bar, e.g.
// "crawling [=====     ] 50/100 50%".
func (p *Progress) String() string {
	c := p.count.Load()
	if p.total <= 0 {
		return fmt.Sprintf("%s: %d", p.label, c)
	}
	const width = 20
	frac := min(max(float64(c)/float64(p.total), 0), 1)
	full := int(frac * width)
	return fmt.Sprintf("%s [%s%s] %d/%d %d%%", p.label, strings.Repeat("=", full), strings.Repeat(" ", width-full), c, p.total, int(frac*100))
}

// data is the bundle of one redraw. The live lock is held, so
// p.live.finished and p.live.last are safe to read.
func (p *Progress) data() map[string]any {
	c := p.count.Load()
	var b strings.Builder
	b.WriteString(`<div style="display: flex; align-items: center; gap: 0.6em; font-family: system-ui, sans-serif; font-size: 13px">`)
	fmt.Fprintf(&b, `<span>%s</span>`, html.EscapeString(p.label))
	status := fmt.Sprint(c)
	if p.total > 0 {
		pct := min(max(float64(c)/float64(p.total)*100, 0), 100)
		fmt.Fprintf(&b, `<div style="width: 240px; height: 12px; border-radius: 3px; background: rgba(127, 127, 127, 0.25); overflow: hidden">`+
			`<div style="width: %.1f%%; height: 100%%; background: %s"></div></div>`, pct, palette[0])
		status = fmt.Sprintf("%d/%d (%d%%)", c, p.total, int(pct))
	}
	if p.live.finished {
		status += fmt.Sprintf(", done in %v", roundDuration(p.live.last.Sub(p.start)))
	}
	fmt.Fprintf(&b, `<span style="font-variant-numeric: tabular-nums">%s</span></div>`, status)
	return map[string]any{"text/html": b.String(), "text/plain": p.String()}
}

// A Counter shows a number that goes up and down, redrawn in place, and
// the highest it has been: for example how many goroutines are running at
// once. Add may be called from any number of goroutines; the counter is
// redrawn at most 10 times a second, and once more by Done.
//
//	running := display.NewCounter("running")
//	var wg sync.WaitGroup
//	for range 100 {
//		wg.Go(func() {
//			running.Add(1)
//			defer running.Add(-1)
//			work()
//		})
//	}
//	wg.Wait()
//	running.Done()
type Counter struct {
	label string
	value atomic.Int64
	peak  atomic.Int64
	live  *live
}

// NewCounter shows a counter at 0.
func NewCounter(label string) *Counter {
	return newCounter(label, time.Now)
}

func newCounter(label string, now func() time.Time) *Counter {
	c := &Counter{label: label, live: newLive()}
	c.live.now = now
	c.live.drawNow(c.data, false)
	return c
}

// Add adds delta (which may be negative) to the counter.
func (c *Counter) Add(delta int) {
	v := c.value.Add(int64(delta))
	for {
		p := c.peak.Load()
		if v <= p || c.peak.CompareAndSwap(p, v) {
			break
		}
	}
	c.live.draw(c.data)
}

// Value returns the counter's value.
func (c *Counter) Value() int { return int(c.value.Load()) }

// Max returns the highest value the counter has had.
func (c *Counter) Max() int { return int(c.peak.Load()) }

// Done draws the counter one last time.
func (c *Counter) Done() { c.live.drawNow(c.data, true) }

// String is the text form of the counter, e.g. "running: 3 (max 8)".
func (c *Counter) String() string {
	return fmt.Sprintf("%s: %d (max %d)", c.label, c.value.Load(), c.peak.Load())
}

func (c *Counter) data() map[string]any {
	h := fmt.Sprintf(`<div style="font-family: system-ui, sans-serif; font-size: 13px">%s: `+
		`<b style="font-variant-numeric: tabular-nums">%d</b> <span style="opacity: 0.7">(max %d)</span></div>`,
		html.EscapeString(c.label), c.value.Load(), c.peak.Load())
	return map[string]any{"text/html": h, "text/plain": c.String()}
}

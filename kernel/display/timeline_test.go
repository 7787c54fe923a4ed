package display

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// base is the fixed start of test timelines.
var base = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func ms(n float64) time.Time { return base.Add(time.Duration(n * float64(time.Millisecond))) }

// eightWorkers is a pool of 8 goroutines taking jobs of different lengths
// from a queue: fetch then parse.
func eightWorkers() *Timeline {
	tl := NewTimeline()
	tl.SetTitle("8 workers fetching 24 pages")
	r := rand.New(rand.NewPCG(1, 2))
	free := make([]float64, 8)
	for job := range 24 {
		w := 0
		for i := range free {
			if free[i] < free[w] {
				w = i
			}
		}
		start := free[w]
		fetch := 20 + r.Float64()*60
		parse := 5 + r.Float64()*10
		lane := fmt.Sprint("worker ", w+1)
		tl.Add(lane, "fetch", ms(start), ms(start+fetch))
		tl.Add(lane, "parse", ms(start+fetch), ms(start+fetch+parse))
		free[w] = start + fetch + parse + 1
		_ = job
	}
	return tl
}

func TestTimelineEightWorkers(t *testing.T) {
	tl := eightWorkers()
	checkPicture(t, "timeline-8-workers", tl)
	if got := tl.MaxConcurrent(); got != 8 {
		t.Errorf("MaxConcurrent = %d, want 8", got)
	}
	svg := tl.SVG()
	for _, want := range []string{">worker 1<", ">worker 8<", ">fetch<", ">parse<", "<title>fetch (worker 1): "} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG has no %q", want)
		}
	}
}

// thousand is 1,000 short jobs on lane "" from a pool of 40 goroutines,
// so rows must be merged, and some jobs are too short to see.
func thousand() *Timeline {
	tl := NewTimeline()
	tl.SetTitle("1,000 jobs, 40 goroutines")
	r := rand.New(rand.NewPCG(3, 4))
	free := make([]float64, 40)
	for range 1000 {
		w := r.IntN(len(free))
		d := r.ExpFloat64() * 2
		start := free[w] + r.Float64()*0.2
		tl.Add("", "job", ms(start), ms(start+d))
		free[w] = start + d
	}
	return tl
}

func TestTimelineThousandSpansStaysReadable(t *testing.T) {
	tl := thousand()
	checkPicture(t, "timeline-1000", tl)
	svg := tl.SVG()
	if n := countElements(svg); n > 1500 {
		t.Errorf("%d elements for 1,000 spans, want at most 1,500", n)
	}
	if rows := strings.Count(svg, `text-anchor="end">#`) + strings.Count(svg, "more rows<"); rows > tlMaxRows {
		t.Errorf("%d rows drawn, want at most %d", rows, tlMaxRows)
	}
	for _, want := range []string{"more rows", "short spans are merged"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG has no %q: it should say what it merged", want)
		}
	}
}

// TestTimelineManyLanes: 1,000 goroutines, each its own lane.
func TestTimelineManyLanes(t *testing.T) {
	tl := NewTimeline()
	for i := range 1000 {
		tl.Add(fmt.Sprint("g", i), "work", ms(float64(i)*0.1), ms(float64(i)*0.1+5))
	}
	svg := tl.SVG()
	if n := countElements(svg); n > 1000 {
		t.Errorf("%d elements for 1,000 lanes, want at most 1,000", n)
	}
	if !strings.Contains(svg, ">+971 more rows<") {
		t.Errorf("SVG does not say 971 rows were merged")
	}
}

func TestTimelineEmptyAndOneSpan(t *testing.T) {
	tl := NewTimeline()
	if !strings.Contains(tl.SVG(), "empty timeline") {
		t.Errorf("empty timeline SVG does not say it is empty")
	}
	tl.Add("main", "", ms(0), ms(0)) // a zero-length span
	checkWellFormed(t, tl.SVG())
	if got := tl.String(); got != "timeline of 1 span in 1 lane over 0s, at most 1 at once" {
		t.Errorf("String() = %q", got)
	}
}

// fakeClock advances by one millisecond every time it is read.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func TestTimelineStartRunGo(t *testing.T) {
	clock := &fakeClock{t: base}
	tl := NewTimeline()
	tl.now = clock.now
	end := tl.Start("main", "setup") // 1ms
	end()                            // 2ms
	end()                            // no effect
	tl.Run("main", "run", func() {}) // 3ms to 4ms
	running := tl.Start("", "slow")  // 5ms, never ended
	want := []Span{
		{"main", "setup", ms(1), ms(2)},
		{"main", "run", ms(3), ms(4)},
		{"", "slow", ms(5), time.Time{}},
	}
	got := tl.Spans()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Spans() =\n%v\nwant\n%v", got, want)
	}
	if s := tl.String(); !strings.HasSuffix(s, ", 1 still running") {
		t.Errorf("String() = %q, want it to say one span is running", s)
	}
	running()

	var done sync.WaitGroup
	done.Add(8)
	for i := range 8 {
		tl.Go(fmt.Sprint("worker ", i), "work", func() { done.Done(); done.Wait() })
	}
	tl.Wait()
	if got := tl.MaxConcurrent(); got != 8 {
		t.Errorf("MaxConcurrent = %d after 8 goroutines that wait for each other, want 8", got)
	}
	if n := len(tl.Spans()); n != 11 {
		t.Errorf("%d spans, want 11", n)
	}

	nested := NewTimeline()
	nested.Add("w1", "outer", ms(0), ms(10))
	nested.Add("w1", "inner", ms(1), ms(3))
	nested.Add("w1", "inner", ms(2), ms(4))
	nested.Add("w2", "outer", ms(10), ms(20))
	nested.Add("", "x", ms(5), ms(15))
	nested.Add("", "y", ms(5), ms(15))
	if got := nested.MaxConcurrent(); got != 3 {
		t.Errorf("MaxConcurrent = %d with nested spans, want 3 (w1, x, y)", got)
	}
}

// TestTimelineConcurrent records and draws from many goroutines; run it
// with -race.
func TestTimelineConcurrent(t *testing.T) {
	tl := NewTimeline()
	for g := range 16 {
		tl.Go(fmt.Sprint("g", g), "outer", func() {
			for range 50 {
				tl.Run(fmt.Sprint("g", g), "inner", func() {})
				end := tl.Start("", "x")
				end()
			}
			_ = tl.SVG()
		})
	}
	tl.Wait()
	if n := len(tl.Spans()); n != 16*101 {
		t.Errorf("%d spans, want %d", n, 16*101)
	}
	checkWellFormed(t, tl.HTML())
}

func TestCommonPrefix(t *testing.T) {
	tests := []struct {
		names []string
		want  int
	}{
		{[]string{"https://example.com/a", "https://example.com/b"}, 20},
		{[]string{"worker 1", "worker 2"}, 0},                          // too short to cut
		{[]string{"https://example.com/a", "https://example.com/"}, 0}, // one name is all prefix
		{[]string{"only one name here"}, 0},
		{[]string{"ééééé-1", "ééééé-2"}, 11},
		{[]string{"aaaaaaaaaé", "aaaaaaaaaè"}, 9}, // not inside a rune
	}
	for _, tt := range tests {
		if got := commonPrefix(tt.names); got != tt.want {
			t.Errorf("commonPrefix(%q) = %d, want %d", tt.names, got, tt.want)
		}
	}
}

func TestFormatTick(t *testing.T) {
	tests := []struct {
		v, step float64
		want    string
	}{
		{0, 0.2, "0.0"}, {0.4, 0.2, "0.4"}, {5, 1, "5"}, {800, 200, "800"},
		{0, 1000, "0"}, {3000, 1000, "3k"}, {1400000, 200000, "1400k"}, {3500000, 500000, "3500k"},
		{3e6, 1e6, "3M"}, {2.5e9, 5e8, "2500M"}, {0.003, 0.0005, "0.0030"},
	}
	for _, tt := range tests {
		if got := formatTick(tt.v, tt.step); got != tt.want {
			t.Errorf("formatTick(%v, %v) = %q, want %q", tt.v, tt.step, got, tt.want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		want   string
	}{
		{0, 1, "[0 0.2 0.4 0.6 0.8 1]"},
		{0, 7, "[0 1 2 3 4 5 6 7]"},
		{0, 95, "[0 20 40 60 80 100]"},
		{0, 1234, "[0 200 400 600 800 1000 1200 1400]"},
		{3, 3, "[3 3.2 3.4 3.6 3.8 4]"},
		{-5, 5, "[-6 -4 -2 0 2 4 6]"},
		{0, 0.003, "[0 0.0005 0.001 0.0015 0.002 0.0025 0.003]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(niceTicks(tt.lo, tt.hi, 6)); got != tt.want {
			t.Errorf("niceTicks(%v, %v) = %s, want %s", tt.lo, tt.hi, got, tt.want)
		}
	}
}

// TestTimelineLive: a live timeline is shown at once, redrawn at most once
// per interval while spans are recorded, and once more by Wait.
func TestTimelineLive(t *testing.T) {
	got := capture(t)
	clock := &manualClock{t: base}
	tl := NewTimeline()
	tl.now = clock.now
	tl.Live()
	tl.Live() // no second output
	for range 100 {
		clock.advance(10 * time.Millisecond) // 1 second in all
		tl.Run("main", "step", func() {})
	}
	tl.Wait()
	msgs := got()
	if len(msgs) < 5 || len(msgs) > 1+10+1 {
		t.Fatalf("%d messages for 100 spans over 1s, want about 12", len(msgs))
	}
	if msgs[0].Type != "display_data" {
		t.Errorf("first message %s", msgs[0].Type)
	}
	last := msgs[len(msgs)-1]
	d := data(t, last)
	if last.Type != "update_display_data" || d["text/plain"] != "timeline of 100 spans in 1 lane over 990ms, at most 1 at once" {
		t.Errorf("last message %s %q", last.Type, d["text/plain"])
	}
	if _, ok := d["text/html"]; !ok {
		t.Errorf("live timeline message has no HTML")
	}
}

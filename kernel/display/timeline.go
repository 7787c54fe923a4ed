package display

import (
	"container/heap"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// A Timeline records spans of work from any number of goroutines and draws
// them as a Gantt chart: one row per lane (a goroutine, a worker), time
// running left to right. A Timeline that is a cell's result is drawn; Show
// draws it in the middle of a cell. A Timeline is safe for concurrent use.
//
//	tl := display.NewTimeline()
//	for i := range 4 {
//		tl.Go(fmt.Sprint("worker ", i), "fetch", func() { fetch(i) })
//	}
//	tl.Wait()
//	tl.Show()
//
// Lanes are drawn in the order they were first used. Spans recorded with
// lane "" are packed into numbered rows, each span into the first row free
// at its start, so the number of rows is how many ran at once. Spans of one
// lane that overlap get extra rows in that lane.
//
// Live shows a timeline that redraws itself while the work runs.
//
// Large timelines stay readable: at most 30 rows are drawn (later lanes are
// merged into the last row), and spans narrower than a few pixels are merged
// into one box whose hover text counts them. The caption says what was
// merged.
type Timeline struct {
	now func() time.Time // the clock; tests replace it

	mu    sync.Mutex
	title string
	spans []Span
	open  []bool // open[i]: spans[i] has not ended yet
	lanes []string
	seen  map[string]bool
	live  *live // set by Live
	wg    sync.WaitGroup
}

// A Span is one piece of work on a timeline.
type Span struct {
	Lane  string // the row: a goroutine or worker name; "" for an automatic row
	Label string // what the work was; spans with the same label share a colour
	Start time.Time
	End   time.Time // zero while the span is still running
}

// Duration is how long the span took; 0 while it is running.
func (s Span) Duration() time.Duration {
	if s.End.IsZero() {
		return 0
	}
	return s.End.Sub(s.Start)
}

// NewTimeline returns an empty timeline using the real clock.
func NewTimeline() *Timeline {
	return &Timeline{now: time.Now, seen: map[string]bool{}}
}

// SetTitle sets the title drawn above the timeline.
func (t *Timeline) SetTitle(title string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.title = title
}

// Start records the start of a span of work now and returns the function
// that records its end. Calling end more than once has no further effect.
//
//	end := tl.Start("main", "load")
//	load()
//	end()
func (t *Timeline) Start(lane, label string) (end func()) {
	t.mu.Lock()
	i := len(t.spans)
	t.useLane(lane)
	t.spans = append(t.spans, Span{Lane: lane, Label: label, Start: t.now()})
	t.open = append(t.open, true)
	l := t.live
	t.mu.Unlock()
	t.redraw(l)
	return func() {
		t.mu.Lock()
		if t.open[i] {
			t.spans[i].End = t.now()
			t.open[i] = false
		}
		l := t.live
		t.mu.Unlock()
		t.redraw(l)
	}
}

// Live shows the timeline now and redraws it in place while spans are
// recorded, at most 10 times a second. Wait redraws it one last time.
//
//	tl := display.NewTimeline()
//	tl.Live()
//	for i := range 8 {
//		tl.Go(fmt.Sprint("worker ", i), "crawl", func() { crawl(i) })
//	}
//	tl.Wait()
func (t *Timeline) Live() {
	t.mu.Lock()
	if t.live != nil {
		t.mu.Unlock()
		return
	}
	l := newLive()
	l.now = t.now
	t.live = l
	t.mu.Unlock()
	l.drawNow(t.bundle, false)
}

// redraw redraws a live timeline if it is time to; l is t.live, read with
// t.mu held, and t.mu is not held now.
func (t *Timeline) redraw(l *live) {
	if l != nil {
		l.draw(t.bundle)
	}
}

// bundle is the timeline's MIME bundle.
func (t *Timeline) bundle() map[string]any {
	data, _, _ := Bundle(t)
	return data
}

// Run calls f and records it as a span.
func (t *Timeline) Run(lane, label string, f func()) {
	end := t.Start(lane, label)
	defer end()
	f()
}

// Go calls f in a new goroutine and records it as a span, like
// sync.WaitGroup.Go. Wait waits for all of them.
func (t *Timeline) Go(lane, label string, f func()) {
	end := t.Start(lane, label) // the span starts when the goroutine is asked for
	t.wg.Go(func() {
		defer end()
		f()
	})
}

// Wait waits for the goroutines started with Go. If the timeline is live,
// Wait then redraws it.
func (t *Timeline) Wait() {
	t.wg.Wait()
	t.mu.Lock()
	l := t.live
	t.mu.Unlock()
	if l != nil {
		l.drawNow(t.bundle, false)
	}
}

// Add records a span that ran from start to end (or from end to start, if
// end is the earlier).
func (t *Timeline) Add(lane, label string, start, end time.Time) {
	if end.Before(start) {
		start, end = end, start
	}
	t.mu.Lock()
	t.useLane(lane)
	t.spans = append(t.spans, Span{Lane: lane, Label: label, Start: start, End: end})
	t.open = append(t.open, false)
	l := t.live
	t.mu.Unlock()
	t.redraw(l)
}

// useLane notes the order lanes are first used in. t.mu is held.
func (t *Timeline) useLane(lane string) {
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	if !t.seen[lane] {
		t.seen[lane] = true
		t.lanes = append(t.lanes, lane)
	}
}

// Spans returns a copy of the spans recorded so far, in the order they
// started being recorded.
func (t *Timeline) Spans() []Span {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.spans)
}

// MaxConcurrent returns the largest number of lanes that were busy at the
// same instant: how many goroutines ran at once, when lanes are
// goroutines. Spans of lane "" count one each; spans nested in a span of
// the same lane do not count again. A span that ends exactly when another
// starts does not overlap it.
func (t *Timeline) MaxConcurrent() int {
	spans, _ := t.snapshot()
	return maxConcurrent(busy(spans))
}

// busy returns the times each lane was busy: the union of the spans of each
// named lane, and the spans of lane "" as they are.
func busy(spans []Span) []Span {
	var out []Span
	byLane := map[string][]Span{}
	var lanes []string
	for _, s := range spans {
		if s.Lane == "" {
			out = append(out, s)
			continue
		}
		if _, ok := byLane[s.Lane]; !ok {
			lanes = append(lanes, s.Lane)
		}
		byLane[s.Lane] = append(byLane[s.Lane], s)
	}
	for _, lane := range lanes {
		ss := slices.Clone(byLane[lane])
		slices.SortFunc(ss, func(a, b Span) int { return a.Start.Compare(b.Start) })
		cur := ss[0]
		for _, s := range ss[1:] {
			if s.Start.Before(cur.End) {
				if s.End.After(cur.End) {
					cur.End = s.End
				}
				continue
			}
			out = append(out, cur)
			cur = s
		}
		out = append(out, cur)
	}
	return out
}

func maxConcurrent(spans []Span) int {
	type event struct {
		at    time.Time
		delta int
	}
	events := make([]event, 0, 2*len(spans))
	for _, s := range spans {
		end := s.End
		if !end.After(s.Start) {
			end = s.Start.Add(1) // a zero-length span still ran
		}
		events = append(events, event{s.Start, 1}, event{end, -1})
	}
	slices.SortFunc(events, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.delta - b.delta // ends before starts at the same instant
	})
	n, best := 0, 0
	for _, e := range events {
		n += e.delta
		best = max(best, n)
	}
	return best
}

// snapshot copies the spans, ending running ones now, and the lane order.
func (t *Timeline) snapshot() (spans []Span, lanes []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	spans = slices.Clone(t.spans)
	for i := range spans {
		if t.open[i] {
			spans[i].End = now
		}
	}
	return spans, slices.Clone(t.lanes)
}

// Show draws the timeline as a cell output.
func (t *Timeline) Show() { Show(t) }

// String summarises the timeline in one line.
func (t *Timeline) String() string {
	spans, lanes := t.snapshot()
	t.mu.Lock()
	title := t.title
	running := 0
	for _, o := range t.open {
		if o {
			running++
		}
	}
	t.mu.Unlock()
	var b strings.Builder
	if title != "" {
		b.WriteString(title + ": ")
	}
	fmt.Fprintf(&b, "timeline of %s in %s", plural(len(spans), "span"), plural(len(lanes), "lane"))
	if len(spans) > 0 {
		lo, hi := timeRange(spans)
		fmt.Fprintf(&b, " over %v, at most %d at once", roundDuration(hi.Sub(lo)), maxConcurrent(busy(spans)))
	}
	if running > 0 {
		fmt.Fprintf(&b, ", %d still running", running)
	}
	return b.String()
}

// SVG draws the timeline as a standalone SVG document.
func (t *Timeline) SVG() string { return t.draw(true) }

// HTML draws the timeline as SVG to put inline in a notebook page.
func (t *Timeline) HTML() string { return t.draw(false) }

func timeRange(spans []Span) (lo, hi time.Time) {
	lo, hi = spans[0].Start, spans[0].End
	for _, s := range spans {
		if s.Start.Before(lo) {
			lo = s.Start
		}
		if s.End.After(hi) {
			hi = s.End
		}
	}
	return lo, hi
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Layout of a timeline picture, in pixels.
const (
	tlWidth     = 860.0
	tlRowHeight = 20.0
	tlBarHeight = 16.0
	tlMaxRows   = 30
	tlMinBox    = 3.0 // spans narrower than this merge with their neighbours
	tlProfileH  = 36.0
	tlMaxLegend = 10
	tlLabelMax  = 150.0
	tlRightPad  = 24.0
	tlTitleH    = 26.0
	tlAxisH     = 34.0
	tlCaptionH  = 18.0
)

// row is one drawn row: the spans in it, and the lane label if it is the
// lane's first row.
type row struct {
	label string
	lane  string
	first bool // first row of its lane: draw the label and a separator
	spans []Span
	lanes int // lanes merged into this row (more than 1 for the overflow row)
}

// layoutRows assigns spans to rows: lanes in order, overlapping spans of a
// lane in extra rows, lane "" packed into numbered rows. At most maxRows
// rows; the rest of the lanes are merged into the last one.
func layoutRows(spans []Span, lanes []string, maxRows int) (rows []row, merged int) {
	byLane := map[string][]Span{}
	for _, s := range spans {
		byLane[s.Lane] = append(byLane[s.Lane], s)
	}
	for _, lane := range lanes {
		ss := byLane[lane]
		slices.SortStableFunc(ss, func(a, b Span) int { return a.Start.Compare(b.Start) })
		var laneRows []row
		for _, packed := range packRows(ss) {
			laneRows = append(laneRows, row{lane: lane, lanes: 1, spans: packed})
		}
		for k := range laneRows {
			switch {
			case lane == "":
				laneRows[k].label = fmt.Sprint("#", k+1)
				laneRows[k].first = true
			case k == 0:
				laneRows[k].label = lane
				laneRows[k].first = true
			}
		}
		rows = append(rows, laneRows...)
	}
	if len(rows) <= maxRows {
		return rows, 0
	}
	last := row{first: true}
	laneSet := map[string]bool{}
	for _, r := range rows[maxRows-1:] {
		last.spans = append(last.spans, r.spans...)
		if r.lane == "" {
			laneSet[r.label] = true
		} else {
			laneSet[r.lane] = true
		}
	}
	last.lanes = len(laneSet)
	merged = len(rows) - (maxRows - 1)
	last.label = fmt.Sprintf("+%d more rows", merged)
	slices.SortStableFunc(last.spans, func(a, b Span) int { return a.Start.Compare(b.Start) })
	return append(rows[:maxRows-1], last), merged
}

// packRows puts spans, sorted by start, into rows so that spans in a row
// do not overlap: each span into the lowest-numbered row free at its start.
// It takes O(n log n) time, so a lane of 100,000 concurrent spans is fine.
func packRows(spans []Span) [][]Span {
	var rows [][]Span
	var free intHeap  // rows free now, lowest first
	var busy busyHeap // rows in use, earliest end first
	for _, s := range spans {
		for len(busy) > 0 && !busy[0].end.After(s.Start) {
			heap.Push(&free, heap.Pop(&busy).(busyRow).row)
		}
		var k int
		if len(free) > 0 {
			k = heap.Pop(&free).(int)
		} else {
			k = len(rows)
			rows = append(rows, nil)
		}
		rows[k] = append(rows[k], s)
		heap.Push(&busy, busyRow{end: s.End, row: k})
	}
	return rows
}

type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type busyRow struct {
	end time.Time
	row int
}

type busyHeap []busyRow

func (h busyHeap) Len() int { return len(h) }
func (h busyHeap) Less(i, j int) bool {
	if c := h[i].end.Compare(h[j].end); c != 0 {
		return c < 0
	}
	return h[i].row < h[j].row
}
func (h busyHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *busyHeap) Push(x any)   { *h = append(*h, x.(busyRow)) }
func (h *busyHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// box is what is drawn for one span or for several merged spans.
type box struct {
	x0, x1 float64
	spans  []Span
}

// boxes turns a row's spans (sorted by start) into boxes: a span is merged
// into the box before it if either is narrower than tlMinBox pixels and
// they are less than a pixel apart, or if they overlap.
func boxes(spans []Span, x func(time.Time) float64) []box {
	var bs []box
	for _, s := range spans {
		x0, x1 := x(s.Start), x(s.End)
		if n := len(bs); n > 0 {
			b := &bs[n-1]
			narrow := b.x1-b.x0 < tlMinBox || x1-x0 < tlMinBox
			if x0 < b.x1 || narrow && x0-b.x1 < 1 {
				b.x1 = max(b.x1, x1)
				b.spans = append(b.spans, s)
				continue
			}
		}
		bs = append(bs, box{x0: x0, x1: x1, spans: []Span{s}})
	}
	return bs
}

func (t *Timeline) draw(standalone bool) string {
	spans, lanes := t.snapshot()
	t.mu.Lock()
	title := t.title
	t.mu.Unlock()

	var w svgWriter
	if len(spans) == 0 {
		w.open(tlWidth, 40, standalone)
		w.text(10, 24, "empty timeline: no spans recorded yet", "fill", "currentColor")
		return w.close()
	}
	lo, hi := timeRange(spans)
	total := float64(hi.Sub(lo))
	if total <= 0 {
		total = 1
	}

	rows, mergedRows := layoutRows(spans, lanes, tlMaxRows)

	// Colours: by label if there are few labels, else by lane.
	var labels []string
	labelSeen := map[string]bool{}
	for _, s := range spans {
		if !labelSeen[s.Label] {
			labelSeen[s.Label] = true
			labels = append(labels, s.Label)
		}
	}
	byLabel := len(labels) <= tlMaxLegend
	index := map[string]int{} // label or lane → colour number
	if byLabel {
		for i, l := range labels {
			index[l] = i
		}
	} else {
		for i, l := range lanes {
			index[l] = i
		}
	}
	colour := func(s Span) string {
		if byLabel {
			return palette[index[s.Label]%len(palette)]
		}
		return palette[index[s.Lane]%len(palette)]
	}
	showLegend := byLabel && (len(labels) > 1 || labels[0] != "")

	// Horizontal layout.
	labelW := 0.0
	var names []string
	for _, r := range rows {
		labelW = max(labelW, textWidth(r.label, 12))
		if r.first {
			names = append(names, r.label)
		}
	}
	// Long lane names that differ only after a long common beginning (URLs,
	// say) are shown from where they differ.
	var cut int
	if labelW > tlLabelMax {
		cut = commonPrefix(names)
	}
	labelW = min(labelW, tlLabelMax)
	left := labelW + 16
	plotW := tlWidth - left - tlRightPad
	x := func(at time.Time) float64 { return left + float64(at.Sub(lo))/total*plotW }

	// Vertical layout.
	y := 8.0
	titleY := 0.0
	if title != "" {
		titleY = y + 14
		y += tlTitleH
	}
	var leg legend
	if showLegend {
		var h float64
		leg, h = newLegend(labels, "(no label)", left, y+6, tlWidth-10)
		y += h
	}
	profileTop := 0.0
	showProfile := len(rows) > 1
	if showProfile {
		profileTop = y + 4
		y += tlProfileH + 10
	}
	rowsTop := y
	y += float64(len(rows)) * tlRowHeight
	axisY := y + 4
	rowBoxes := make([][]box, len(rows))
	mergedSpans := 0
	for i, r := range rows {
		rowBoxes[i] = boxes(r.spans, x)
		for _, b := range rowBoxes[i] {
			if len(b.spans) > 1 {
				mergedSpans += len(b.spans)
			}
		}
	}
	caption := captionLines(spans, lanes, lo, hi, mergedRows, mergedSpans)
	height := axisY + tlAxisH + tlCaptionH*float64(len(caption))

	w.open(tlWidth, height, standalone)
	if title != "" {
		w.text(left, titleY, title, "fill", "currentColor", "font-size", 14, "font-weight", "bold")
	}
	leg.draw(&w)

	// Time axis: ticks, grid lines through the rows and the profile.
	ticks := niceTicks(0, total, 8)
	step := ticks[1] - ticks[0]
	unit, unitName := timeUnit(ticks[len(ticks)-1])
	gridTop := rowsTop
	if showProfile {
		gridTop = profileTop
	}
	for _, tk := range ticks {
		if tk > total*(1+1e-9) {
			break
		}
		tx := left + tk/total*plotW
		w.el("line", "", "x1", tx, "y1", gridTop, "x2", tx, "y2", axisY, "stroke", "currentColor", "stroke-opacity", 0.15)
		w.el("line", "", "x1", tx, "y1", axisY, "x2", tx, "y2", axisY+5, "stroke", "currentColor")
		label := formatPlainTick(tk/unit, step/unit) + unitName
		if tk == 0 {
			label = "0"
		}
		w.text(tx, axisY+18, label, "fill", "currentColor", "text-anchor", "middle")
	}
	w.el("line", "", "x1", left, "y1", axisY, "x2", left+plotW, "y2", axisY, "stroke", "currentColor")

	// Concurrency profile: how many spans run at once, per pixel column.
	if showProfile {
		t.drawProfile(&w, busy(spans), lo, total, left, plotW, profileTop)
	}

	// Rows.
	for i, r := range rows {
		ry := rowsTop + float64(i)*tlRowHeight
		if r.first {
			if i > 0 {
				w.el("line", "", "x1", 4.0, "y1", ry, "x2", left+plotW, "y2", ry, "stroke", "currentColor", "stroke-opacity", 0.12)
			}
			w.shortLabel(left-8, ry+tlRowHeight/2+4, r.label, cut, labelW, "fill", "currentColor", "text-anchor", "end")
		}
		for _, b := range rowBoxes[i] {
			bw := max(b.x1-b.x0, 1)
			if bw >= tlMinBox {
				bw -= 0.5 // a hairline between back-to-back spans
			}
			attrs := []any{"x", b.x0, "y", ry + (tlRowHeight-tlBarHeight)/2, "width", bw, "height", tlBarHeight, "rx", 2.0, "fill", colour(b.spans[0])}
			if len(b.spans) > 1 {
				attrs = append(attrs, "fill-opacity", 0.65)
			}
			w.el("rect", boxTitle(b, r, lo), attrs...)
			if len(b.spans) == 1 && !byLabel && b.spans[0].Label != "" {
				if l := b.spans[0].Label; textWidth(l, 11)+8 <= bw {
					w.text(b.x0+4, ry+tlRowHeight/2+4, l, "fill", "#fff", "font-size", 11, "pointer-events", "none")
				}
			}
		}
	}

	// Caption: what the picture shows and what was merged.
	for i, line := range caption {
		w.text(left, axisY+tlAxisH+8+float64(i)*tlCaptionH, line, "fill", "currentColor", "fill-opacity", 0.75, "font-size", 11)
	}
	return w.close()
}

// captionLines says what the picture shows and what was merged.
func captionLines(spans []Span, lanes []string, lo, hi time.Time, mergedRows, mergedSpans int) []string {
	named := len(lanes)
	if slices.Contains(lanes, "") {
		named--
	}
	first := plural(len(spans), "span")
	if named > 0 {
		first += " in " + plural(named, "lane")
	}
	first += fmt.Sprintf(" over %v, at most %d at once", roundDuration(hi.Sub(lo)), maxConcurrent(busy(spans)))
	lines := []string{first}
	var notes []string
	if mergedRows > 0 {
		notes = append(notes, fmt.Sprintf("the last row merges %d rows", mergedRows))
	}
	if mergedSpans > 0 {
		notes = append(notes, fmt.Sprintf("%d short spans are merged into shaded boxes (hover for counts)", mergedSpans))
	}
	if len(notes) > 0 {
		lines = append(lines, "To stay readable, "+strings.Join(notes, " and ")+".")
	}
	return lines
}

// drawProfile draws a step chart of how many lanes are busy at once (spans
// are the busy times of lanes): the maximum in each pixel column, so it is
// at most plotW columns wide.
func (t *Timeline) drawProfile(w *svgWriter, spans []Span, lo time.Time, total, left, plotW, top float64) {
	cols := int(math.Ceil(plotW))
	peak := make([]int, cols)
	type event struct {
		at    float64
		delta int
	}
	events := make([]event, 0, 2*len(spans))
	for _, s := range spans {
		events = append(events, event{float64(s.Start.Sub(lo)) / total * plotW, 1}, event{float64(s.End.Sub(lo)) / total * plotW, -1})
	}
	slices.SortFunc(events, func(a, b event) int {
		if a.at != b.at {
			if a.at < b.at {
				return -1
			}
			return 1
		}
		return a.delta - b.delta
	})
	n, best := 0, 0
	for i, e := range events {
		n += e.delta
		// The count n holds from e.at to the next event.
		end := e.at
		if i+1 < len(events) {
			end = events[i+1].at
		}
		for c := max(int(e.at), 0); c < cols && (float64(c) < end || c == int(e.at)); c++ {
			peak[c] = max(peak[c], n)
		}
		best = max(best, n)
	}
	if best == 0 {
		return
	}
	h := tlProfileH
	yOf := func(v int) float64 { return top + h - float64(v)/float64(best)*h }
	var d strings.Builder
	fmt.Fprintf(&d, "M%s %s", num(left), num(top+h))
	prev := -1
	for c, v := range peak {
		if v != prev {
			fmt.Fprintf(&d, "H%sV%s", num(left+float64(c)), num(yOf(v)))
			prev = v
		}
	}
	fmt.Fprintf(&d, "H%sV%sZ", num(left+plotW), num(top+h))
	w.el("path", fmt.Sprintf("lanes busy at once (at most %d)", best), "d", d.String(), "fill", palette[0], "fill-opacity", 0.35, "stroke", palette[0], "stroke-width", 1.0)
	w.text(left-8, top+10, fmt.Sprint(best), "fill", "currentColor", "text-anchor", "end", "font-size", 11)
	w.text(left-8, top+h, "0", "fill", "currentColor", "text-anchor", "end", "font-size", 11)
	w.text(left-8, top+h/2+4, "at once", "fill", "currentColor", "fill-opacity", 0.75, "text-anchor", "end", "font-size", 11)
}

// boxTitle is the hover text of a box: the span exactly, or a count.
func boxTitle(b box, r row, lo time.Time) string {
	if len(b.spans) == 1 {
		s := b.spans[0]
		lane := s.Lane
		if lane == "" {
			lane = r.label
		}
		name := s.Label
		if name == "" {
			name = "span"
		}
		return fmt.Sprintf("%s (%s): %v, from %v to %v", name, lane, s.End.Sub(s.Start), s.Start.Sub(lo), s.End.Sub(lo))
	}
	counts := map[string]int{}
	var order []string
	var busy time.Duration
	first, last := b.spans[0].Start, b.spans[0].End
	for _, s := range b.spans {
		if counts[s.Label] == 0 {
			order = append(order, s.Label)
		}
		counts[s.Label]++
		busy += s.End.Sub(s.Start)
		if s.End.After(last) {
			last = s.End
		}
	}
	var parts []string
	for i, l := range order {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("%d more labels", len(order)-4))
			break
		}
		name := l
		if name == "" {
			name = "span"
		}
		parts = append(parts, fmt.Sprintf("%s ×%d", name, counts[l]))
	}
	return fmt.Sprintf("%d spans (%s) from %v to %v, %v of work", len(b.spans), strings.Join(parts, ", "), first.Sub(lo), last.Sub(lo), busy)
}

// timeUnit picks the unit for axis labels: the largest not above v
// nanoseconds.
func timeUnit(v float64) (unit float64, name string) {
	switch {
	case v >= float64(time.Second):
		return float64(time.Second), "s"
	case v >= float64(time.Millisecond):
		return float64(time.Millisecond), "ms"
	case v >= float64(time.Microsecond):
		return float64(time.Microsecond), "µs"
	}
	return 1, "ns"
}

// commonPrefix returns the length in bytes of the beginning all names share,
// ending at a rune boundary, if it is at least 8 bytes and shorter than every
// name; else 0.
func commonPrefix(names []string) int {
	if len(names) < 2 {
		return 0
	}
	n := len(names[0])
	for _, s := range names[1:] {
		n = min(n, len(s))
		for i := range n {
			if s[i] != names[0][i] {
				n = i
				break
			}
		}
	}
	for n > 0 && !utf8.RuneStart(names[0][n]) {
		n--
	}
	for _, s := range names {
		if n >= len(s) {
			return 0
		}
	}
	if n < 8 {
		return 0
	}
	return n
}

// roundDuration rounds d to 4 significant digits, for summaries.
func roundDuration(d time.Duration) time.Duration {
	unit := time.Duration(1)
	for x := d; x >= 10000; x /= 10 {
		unit *= 10
	}
	return d.Round(unit)
}

package display

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// A Histogram shows how values are spread, for example the latency of
// requests: how many fell in each bin, with the median and the 99th
// percentile marked. A Histogram that is a cell's result is drawn; Show
// draws it in the middle of a cell. Add may be called from any number of
// goroutines.
//
//	h := display.NewHistogram("Latency of 1,000 requests", "ms")
//	for _, d := range latencies {
//		h.Add(float64(d.Microseconds()) / 1000)
//	}
//	h
type Histogram struct {
	mu     sync.Mutex
	title  string
	unit   string
	values []float64
}

// NewHistogram returns an empty histogram. unit names the values, e.g.
// "ms"; it labels the value axis.
func NewHistogram(title, unit string) *Histogram {
	return &Histogram{title: title, unit: unit}
}

// Add adds one value. NaN and infinite values are ignored.
func (h *Histogram) Add(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.values = append(h.values, v)
}

// Percentile returns the value below which p percent (0 to 100) of the
// values lie, interpolating between neighbours; NaN if there are none.
func (h *Histogram) Percentile(p float64) float64 {
	return percentile(h.sorted(), p)
}

// Show draws the histogram as a cell output.
func (h *Histogram) Show() { Show(h) }

// SVG draws the histogram as a standalone SVG document.
func (h *Histogram) SVG() string { return h.draw(true) }

// HTML draws the histogram as SVG to put inline in a notebook page.
func (h *Histogram) HTML() string { return h.draw(false) }

// String summarises the values: count, minimum, median, 90th and 99th
// percentiles, maximum.
func (h *Histogram) String() string {
	vs := h.sorted()
	var b strings.Builder
	if h.title != "" {
		b.WriteString(h.title + ": ")
	}
	if len(vs) == 0 {
		b.WriteString("no values")
		return b.String()
	}
	unit := ""
	if h.unit != "" {
		unit = " " + h.unit
	}
	fmt.Fprintf(&b, "%d values, min %s, median %s, p90 %s, p99 %s, max %s%s", len(vs),
		formatNumber(vs[0]), formatNumber(percentile(vs, 50)), formatNumber(percentile(vs, 90)),
		formatNumber(percentile(vs, 99)), formatNumber(vs[len(vs)-1]), unit)
	return b.String()
}

func (h *Histogram) sorted() []float64 {
	h.mu.Lock()
	vs := slices.Clone(h.values)
	h.mu.Unlock()
	slices.Sort(vs)
	return vs
}

// percentile of sorted values, by linear interpolation.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	r := min(max(p, 0), 100) / 100 * float64(len(sorted)-1)
	i := int(r)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (r-float64(i))*(sorted[i+1]-sorted[i])
}

func (h *Histogram) draw(standalone bool) string {
	vs := h.sorted()
	title, unit := h.title, h.unit
	var w svgWriter
	if len(vs) == 0 {
		w.open(chWidth, 40, standalone)
		w.text(10, 24, "empty histogram: no values added yet", "fill", "currentColor")
		return w.close()
	}
	lo, hi := vs[0], vs[len(vs)-1]
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	// Bins: a nice width giving about 30 bins, edges on multiples of it.
	bw := niceStep(lo, hi, 30)
	first := math.Floor(lo/bw) * bw
	nbins := max(int(math.Ceil((hi-first)/bw+1e-9)), 1)
	if first+float64(nbins)*bw <= hi {
		nbins++ // the maximum falls on the last edge
	}
	counts := make([]int, nbins)
	for _, v := range vs {
		k := min(int((v-first)/bw), nbins-1)
		counts[k]++
	}
	top := slices.Max(counts)
	yt := niceTicks(0, float64(top), 5)
	ys := yt[1] - yt[0]
	xt := niceTicks(first, first+float64(nbins)*bw, 8)
	xs := xt[1] - xt[0]

	left := textWidth(formatTick(yt[len(yt)-1], ys), 12) + 34
	plotW := chWidth - left - 20
	y0 := 8.0
	titleY := 0.0
	if title != "" {
		titleY = y0 + 14
		y0 += 26
	}
	y0 += 22 // room for the percentile labels
	plotH := 220.0
	axisY := y0 + plotH
	height := axisY + 30
	if unit != "" {
		height += 16
	}
	x := func(v float64) float64 { return left + (v-xt[0])/(xt[len(xt)-1]-xt[0])*plotW }
	y := func(c float64) float64 { return axisY - c/yt[len(yt)-1]*plotH }

	w.open(chWidth, height, standalone)
	if title != "" {
		w.text(left, titleY, title, "fill", "currentColor", "font-size", 14, "font-weight", "bold")
	}
	for _, c := range yt {
		w.el("line", "", "x1", left, "y1", y(c), "x2", left+plotW, "y2", y(c), "stroke", "currentColor", "stroke-opacity", 0.12)
		w.text(left-8, y(c)+4, formatTick(c, ys), "fill", "currentColor", "text-anchor", "end")
	}
	w.text(14, y0+plotH/2, "count", "fill", "currentColor", "text-anchor", "middle", "transform", fmt.Sprintf("rotate(-90 14 %s)", num(y0+plotH/2)))
	for k, c := range counts {
		if c == 0 {
			continue
		}
		a, b := first+float64(k)*bw, first+float64(k+1)*bw
		tip := fmt.Sprintf("%s to %s %s: %d", formatNumber(cleanFloat(a, bw)), formatNumber(cleanFloat(b, bw)), unit, c)
		bh := max(axisY-y(float64(c)), 2) // a bin of one value in a thousand still shows
		w.el("rect", strings.Replace(tip, " :", ":", 1), "x", x(a)+0.5, "y", axisY-bh, "width", max(x(b)-x(a)-1, 1), "height", bh, "fill", palette[0])
	}
	for _, v := range xt {
		w.el("line", "", "x1", x(v), "y1", axisY, "x2", x(v), "y2", axisY+5, "stroke", "currentColor")
		w.text(x(v), axisY+18, formatTick(v, xs), "fill", "currentColor", "text-anchor", "middle")
	}
	w.el("line", "", "x1", left, "y1", axisY, "x2", left+plotW, "y2", axisY, "stroke", "currentColor")
	if unit != "" {
		w.text(left+plotW/2, axisY+34, unit, "fill", "currentColor", "text-anchor", "middle")
	}
	// Median and 99th percentile: dashed lines labelled above the plot. If
	// they are close, the labels go left and right of their lines.
	med, p99 := percentile(vs, 50), percentile(vs, 99)
	close := x(p99)-x(med) < 90
	for _, m := range []struct {
		name   string
		v      float64
		colour string
		anchor string
	}{
		{"median", med, palette[1], map[bool]string{true: "end", false: "middle"}[close]},
		{"p99", p99, palette[3], map[bool]string{true: "start", false: "middle"}[close]},
	} {
		mx := x(m.v)
		w.el("line", fmt.Sprintf("%s: %s %s", m.name, formatNumber(m.v), unit), "x1", mx, "y1", y0-4, "x2", mx, "y2", axisY, "stroke", m.colour, "stroke-width", 1.5, "stroke-dasharray", "5 3")
		anchor := m.anchor
		switch {
		case mx < left+40:
			anchor = "start"
		case mx > left+plotW-40:
			anchor = "end"
		}
		w.text(mx, y0-8, fmt.Sprintf("%s %s", m.name, formatNumber(m.v)), "fill", m.colour, "text-anchor", anchor, "font-size", 11)
	}
	return w.close()
}

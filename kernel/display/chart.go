package display

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// A BarChart compares values by category with horizontal bars, for example
// the time each version of a program took. With several series (AddTo),
// each category gets one bar per series and a legend names the series. A
// BarChart that is a cell's result is drawn; Show draws it in the middle of
// a cell. A BarChart is safe for concurrent use.
//
//	c := display.NewBarChart("Fetching 100 pages", "seconds")
//	c.Add("sequential", 12.1)
//	c.Add("8 goroutines", 1.9)
//	c
type BarChart struct {
	mu     sync.Mutex
	title  string
	unit   string
	cats   []string
	series []string
	values map[[2]string]float64 // {series, category} → value
}

// NewBarChart returns an empty bar chart. unit names the values, e.g.
// "ms" or "requests/s"; it labels the value axis.
func NewBarChart(title, unit string) *BarChart {
	return &BarChart{title: title, unit: unit, values: map[[2]string]float64{}}
}

// Add sets the value of a category, in the chart's only series.
func (c *BarChart) Add(category string, value float64) { c.AddTo("", category, value) }

// AddTo sets the value of a category in a series. Categories and series are
// drawn in the order they were first added.
func (c *BarChart) AddTo(series, category string, value float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.cats, category) {
		c.cats = append(c.cats, category)
	}
	if !slices.Contains(c.series, series) {
		c.series = append(c.series, series)
	}
	c.values[[2]string{series, category}] = value
}

// Show draws the chart as a cell output.
func (c *BarChart) Show() { Show(c) }

// SVG draws the chart as a standalone SVG document.
func (c *BarChart) SVG() string { return c.draw(true) }

// HTML draws the chart as SVG to put inline in a notebook page.
func (c *BarChart) HTML() string { return c.draw(false) }

// String returns the chart's data as a text table.
func (c *BarChart) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &table{cols: []string{""}, numeric: []bool{false}}
	for _, s := range c.series {
		name := s
		if name == "" {
			name = c.unit
		}
		t.cols = append(t.cols, name)
		t.numeric = append(t.numeric, true)
	}
	for _, cat := range c.cats {
		row := []string{cat}
		for _, s := range c.series {
			v, ok := c.values[[2]string{s, cat}]
			if ok {
				row = append(row, formatNumber(v))
			} else {
				row = append(row, "")
			}
		}
		t.rows = append(t.rows, row)
	}
	text := t.String()
	if c.title != "" {
		text = c.title + "\n" + text
	}
	return text
}

// Layout of charts, in pixels.
const (
	chWidth   = 720.0
	chBarH    = 18.0
	chBarGap  = 3.0
	chGroupGp = 10.0
)

func (c *BarChart) draw(standalone bool) string {
	c.mu.Lock()
	title, unit := c.title, c.unit
	cats, series := slices.Clone(c.cats), slices.Clone(c.series)
	values := make(map[[2]string]float64, len(c.values))
	for k, v := range c.values {
		values[k] = v
	}
	c.mu.Unlock()

	var w svgWriter
	if len(cats) == 0 {
		w.open(chWidth, 40, standalone)
		w.text(10, 24, "empty bar chart: no values added yet", "fill", "currentColor")
		return w.close()
	}
	lo, hi := 0.0, 0.0
	labelW := 0.0
	for _, cat := range cats {
		labelW = max(labelW, textWidth(cat, 12))
	}
	labelW = min(labelW, 200)
	valueW := 0.0 // room for value labels right of the bars
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
		valueW = max(valueW, textWidth(formatNumber(v), 11))
	}
	ticks := niceTicks(lo, hi, 6)
	tlo, thi := ticks[0], ticks[len(ticks)-1]
	step := ticks[1] - ticks[0]
	left := labelW + 18
	plotW := chWidth - left - valueW - 16
	x := func(v float64) float64 { return left + (v-tlo)/(thi-tlo)*plotW }

	multi := len(series) > 1 || series[0] != ""
	y := 8.0
	titleY := 0.0
	if title != "" {
		titleY = y + 14
		y += 26
	}
	var leg legend
	if multi {
		var h float64
		leg, h = newLegend(series, "(unnamed)", left, y+4, chWidth-10)
		y += h + 2
	}
	plotTop := y + 4
	groupH := float64(len(series))*(chBarH+chBarGap) - chBarGap
	plotBottom := plotTop + float64(len(cats))*(groupH+chGroupGp)
	axisY := plotBottom
	height := axisY + 40
	if unit != "" {
		height += 14
	}

	w.open(chWidth, height, standalone)
	if title != "" {
		w.text(left, titleY, title, "fill", "currentColor", "font-size", 14, "font-weight", "bold")
	}
	leg.draw(&w)
	for _, tk := range ticks {
		tx := x(tk)
		w.el("line", "", "x1", tx, "y1", plotTop-4, "x2", tx, "y2", axisY, "stroke", "currentColor", "stroke-opacity", 0.15)
		w.el("line", "", "x1", tx, "y1", axisY, "x2", tx, "y2", axisY+5, "stroke", "currentColor")
		w.text(tx, axisY+18, formatTick(tk, step), "fill", "currentColor", "text-anchor", "middle")
	}
	w.el("line", "", "x1", left, "y1", axisY, "x2", left+plotW, "y2", axisY, "stroke", "currentColor")
	if unit != "" {
		w.text(left+plotW/2, axisY+34, unit, "fill", "currentColor", "text-anchor", "middle")
	}
	zero := x(0)
	for i, cat := range cats {
		gy := plotTop + float64(i)*(groupH+chGroupGp) + chGroupGp/2
		w.label(left-8, gy+groupH/2+4, cat, labelW, "fill", "currentColor", "text-anchor", "end")
		for j, s := range series {
			v, ok := values[[2]string{s, cat}]
			if !ok {
				continue
			}
			by := gy + float64(j)*(chBarH+chBarGap)
			x0, x1 := min(zero, x(v)), max(zero, x(v))
			name := cat
			if s != "" {
				name = s + ", " + cat
			}
			tip := fmt.Sprintf("%s: %s %s", name, formatNumber(v), unit)
			w.el("rect", strings.TrimSpace(tip), "x", x0, "y", by, "width", max(x1-x0, 1), "height", chBarH, "rx", 2.0, "fill", palette[j%len(palette)])
			if v >= 0 {
				w.text(x1+4, by+chBarH/2+4, formatNumber(v), "fill", "currentColor", "font-size", 11)
			} else {
				w.text(x0-4, by+chBarH/2+4, formatNumber(v), "fill", "currentColor", "font-size", 11, "text-anchor", "end")
			}
		}
	}
	if tlo < 0 {
		w.el("line", "", "x1", zero, "y1", plotTop-4, "x2", zero, "y2", axisY, "stroke", "currentColor")
	}
	return w.close()
}

// legendRowH is the height of one row of a legend.
const legendRowH = 20.0

// legend lays out a swatch and a name per series, in rows from (x, y) that
// wrap before maxX. It returns the height the rows take.
type legend struct {
	names []string
	at    [][2]float64 // where each swatch goes
}

func newLegend(names []string, noName string, x, y, maxX float64) (l legend, height float64) {
	cx, cy := x, y
	for _, name := range names {
		if name == "" {
			name = noName
		}
		width := 16 + textWidth(name, 12)
		if cx > x && cx+width > maxX {
			cx, cy = x, cy+legendRowH
		}
		l.names = append(l.names, name)
		l.at = append(l.at, [2]float64{cx, cy})
		cx += width + 18
	}
	return l, cy - y + legendRowH
}

func (l legend) draw(w *svgWriter) {
	for i, name := range l.names {
		x, y := l.at[i][0], l.at[i][1]
		w.el("rect", "", "x", x, "y", y, "width", 12.0, "height", 12.0, "rx", 2.0, "fill", palette[i%len(palette)])
		w.text(x+16, y+10, name, "fill", "currentColor")
	}
}

// A LineChart draws series of (x, y) points as lines, for example speed-up
// against the number of workers. A LineChart that is a cell's result is
// drawn; Show draws it in the middle of a cell. A LineChart is safe for
// concurrent use.
//
//	c := display.NewLineChart("Speed-up", "workers", "× faster")
//	for _, r := range results {
//		c.Add("measured", float64(r.Workers), base/r.Seconds)
//		c.Add("ideal", float64(r.Workers), float64(r.Workers))
//	}
//	c
type LineChart struct {
	mu     sync.Mutex
	title  string
	xLabel string
	yLabel string
	names  []string
	points map[string][][2]float64
	logX   bool
}

// NewLineChart returns an empty line chart with a title and axis labels.
func NewLineChart(title, xLabel, yLabel string) *LineChart {
	return &LineChart{title: title, xLabel: xLabel, yLabel: yLabel, points: map[string][][2]float64{}}
}

// Add adds the point (x, y) to a series. Series are drawn in the order they
// were first added, each as a line through its points in order of x.
func (c *LineChart) Add(series string, x, y float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.points[series]; !ok {
		c.names = append(c.names, series)
	}
	c.points[series] = append(c.points[series], [2]float64{x, y})
}

// SetLogX makes the x axis logarithmic, with ticks at powers of two: for
// worker counts like 1, 2, 4 ... 64. It has no effect while some x is not
// positive.
func (c *LineChart) SetLogX(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logX = on
}

// Show draws the chart as a cell output.
func (c *LineChart) Show() { Show(c) }

// SVG draws the chart as a standalone SVG document.
func (c *LineChart) SVG() string { return c.draw(true) }

// HTML draws the chart as SVG to put inline in a notebook page.
func (c *LineChart) HTML() string { return c.draw(false) }

// String returns the chart's data as a text table: one row per point.
func (c *LineChart) String() string {
	names, points := c.snapshot()
	xl, yl := c.xLabel, c.yLabel
	if xl == "" {
		xl = "x"
	}
	if yl == "" {
		yl = "y"
	}
	t := &table{cols: []string{"series", xl, yl}, numeric: []bool{false, true, true}}
	for _, n := range names {
		for _, p := range points[n] {
			t.rows = append(t.rows, []string{n, formatNumber(p[0]), formatNumber(p[1])})
		}
	}
	text := t.String()
	if c.title != "" {
		text = c.title + "\n" + text
	}
	return text
}

// snapshot copies the series, each sorted by x.
func (c *LineChart) snapshot() ([]string, map[string][][2]float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	points := make(map[string][][2]float64, len(c.points))
	for n, ps := range c.points {
		ps = slices.Clone(ps)
		slices.SortStableFunc(ps, func(a, b [2]float64) int {
			switch {
			case a[0] < b[0]:
				return -1
			case a[0] > b[0]:
				return 1
			}
			return 0
		})
		points[n] = ps
	}
	return slices.Clone(c.names), points
}

// chMaxMarkers is the most points per series drawn with a marker.
const chMaxMarkers = 60

func (c *LineChart) draw(standalone bool) string {
	names, points := c.snapshot()
	title, xLabel, yLabel := c.title, c.xLabel, c.yLabel

	var w svgWriter
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := 0.0, math.Inf(-1)
	for _, ps := range points {
		for _, p := range ps {
			if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
				continue
			}
			xlo, xhi = min(xlo, p[0]), max(xhi, p[0])
			ylo, yhi = min(ylo, p[1]), max(yhi, p[1])
		}
	}
	if math.IsInf(xlo, 0) {
		w.open(chWidth, 40, standalone)
		w.text(10, 24, "empty line chart: no points added yet", "fill", "currentColor")
		return w.close()
	}
	c.mu.Lock()
	logX := c.logX && xlo > 0
	c.mu.Unlock()
	fx := func(v float64) float64 { return v } // data x to axis x
	xt := niceTicks(xlo, xhi, 8)
	xs := xt[1] - xt[0]
	xTickLabel := func(v float64) string { return formatTick(v, xs) }
	if logX {
		fx = math.Log2
		xt = log2Ticks(xlo, xhi, 8)
		xTickLabel = func(v float64) string { return formatNumber(math.Exp2(v)) }
	}
	yt := niceTicks(ylo, yhi, 5)
	ys := yt[1] - yt[0]

	yLabelW := 0.0
	for _, v := range yt {
		yLabelW = max(yLabelW, textWidth(formatTick(v, ys), 12))
	}
	left := yLabelW + 16
	if yLabel != "" {
		left += 18
	}
	plotW := chWidth - left - 20
	top := 8.0
	titleY := 0.0
	if title != "" {
		titleY = top + 14
		top += 26
	}
	multi := len(names) > 1 || names[0] != ""
	var leg legend
	if multi {
		var h float64
		leg, h = newLegend(names, "(unnamed)", left, top+4, chWidth-10)
		top += h + 2
	}
	top += 8
	plotH := 280.0
	axisY := top + plotH
	height := axisY + 30
	if xLabel != "" {
		height += 16
	}
	xAxis := func(v float64) float64 { return left + (v-xt[0])/(xt[len(xt)-1]-xt[0])*plotW }
	x := func(v float64) float64 { return xAxis(fx(v)) }
	y := func(v float64) float64 { return axisY - (v-yt[0])/(yt[len(yt)-1]-yt[0])*plotH }

	w.open(chWidth, height, standalone)
	if title != "" {
		w.text(left, titleY, title, "fill", "currentColor", "font-size", 14, "font-weight", "bold")
	}
	leg.draw(&w)
	for _, v := range xt {
		w.el("line", "", "x1", xAxis(v), "y1", top, "x2", xAxis(v), "y2", axisY, "stroke", "currentColor", "stroke-opacity", 0.12)
		w.el("line", "", "x1", xAxis(v), "y1", axisY, "x2", xAxis(v), "y2", axisY+5, "stroke", "currentColor")
		w.text(xAxis(v), axisY+18, xTickLabel(v), "fill", "currentColor", "text-anchor", "middle")
	}
	for _, v := range yt {
		w.el("line", "", "x1", left, "y1", y(v), "x2", left+plotW, "y2", y(v), "stroke", "currentColor", "stroke-opacity", 0.12)
		w.text(left-8, y(v)+4, formatTick(v, ys), "fill", "currentColor", "text-anchor", "end")
	}
	w.el("line", "", "x1", left, "y1", axisY, "x2", left+plotW, "y2", axisY, "stroke", "currentColor")
	w.el("line", "", "x1", left, "y1", top, "x2", left, "y2", axisY, "stroke", "currentColor")
	if xLabel != "" {
		w.text(left+plotW/2, axisY+36, xLabel, "fill", "currentColor", "text-anchor", "middle")
	}
	if yLabel != "" {
		ly := top + plotH/2
		w.text(14, ly, yLabel, "fill", "currentColor", "text-anchor", "middle", "transform", fmt.Sprintf("rotate(-90 14 %s)", num(ly)))
	}
	for i, n := range names {
		colour := palette[i%len(palette)]
		var d strings.Builder
		pen := "M"
		for _, p := range points[n] {
			if math.IsNaN(p[1]) || math.IsInf(p[1], 0) || math.IsNaN(p[0]) || math.IsInf(p[0], 0) {
				pen = "M" // a gap in the line
				continue
			}
			fmt.Fprintf(&d, "%s%s %s", pen, num(x(p[0])), num(y(p[1])))
			pen = "L"
		}
		attrs := []any{"d", d.String(), "fill", "none", "stroke", colour, "stroke-width", 2.0, "stroke-linejoin", "round"}
		w.el("path", n, attrs...)
		if len(points[n]) <= chMaxMarkers {
			for _, p := range points[n] {
				if math.IsNaN(p[1]) || math.IsInf(p[1], 0) || math.IsNaN(p[0]) || math.IsInf(p[0], 0) {
					continue
				}
				tip := fmt.Sprintf("%s: %s = %s, %s = %s", n, orDefault(xLabel, "x"), formatNumber(p[0]), orDefault(yLabel, "y"), formatNumber(p[1]))
				w.el("circle", strings.TrimPrefix(tip, ": "), "cx", x(p[0]), "cy", y(p[1]), "r", 3.5, "fill", colour)
			}
		}
	}
	return w.close()
}

// log2Ticks returns exponents of two for ticks from below lo to above hi,
// every k-th power so there are at most about n.
func log2Ticks(lo, hi float64, n int) []float64 {
	a, b := math.Floor(math.Log2(lo)), math.Ceil(math.Log2(hi))
	if b == a {
		b = a + 1
	}
	k := math.Ceil((b - a) / float64(n))
	var ticks []float64
	for t := a; ; t += k {
		ticks = append(ticks, t)
		if t >= b {
			break
		}
	}
	return ticks
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

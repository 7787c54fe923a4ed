package display

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Pictures (timelines, charts) are SVG drawn once, in two forms:
//
//   - inline, for text/html: transparent, with text and axes in
//     currentColor, so they take the notebook's text colour in light and
//     dark themes, and <title> tooltips work on hover;
//   - standalone, for image/svg+xml (front ends that show it in an <img>,
//     files, nbconvert): an opaque white card with dark ink, readable on any
//     page.
//
// Data colours come from palette, mid-tone colours visible on white and on
// near-black, and dark enough for white text.

var palette = []string{
	"#3b6fb6", // blue
	"#d9622b", // orange
	"#2a9d8f", // teal
	"#c0392b", // red
	"#7b5ea7", // purple
	"#4c8c2b", // green
	"#b5892b", // ochre
	"#c2477f", // pink
	"#7f6a4f", // brown
	"#5f6b7a", // slate
}

const fontFamily = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"

// svgWriter writes SVG elements. Numbers are rounded to 0.1 so output is
// small and golden files are stable.
type svgWriter struct {
	b strings.Builder
}

// open starts the document. standalone draws a white background and sets
// the ink colour; inline leaves both to the page.
func (w *svgWriter) open(width, height float64, standalone bool) {
	fmt.Fprintf(&w.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s" font-size="12"`,
		num(width), num(height), num(width), num(height), fontFamily)
	if standalone {
		w.b.WriteString(` color="#222" style="color: #222">` + "\n")
		fmt.Fprintf(&w.b, `<rect width="%s" height="%s" fill="#fff"/>`+"\n", num(width), num(height))
		return
	}
	w.b.WriteString(` style="max-width: 100%; height: auto">` + "\n")
}

func (w *svgWriter) close() string {
	w.b.WriteString("</svg>\n")
	return w.b.String()
}

// el writes one element. attrs are name, value pairs; float64 values are
// rounded. title, if not empty, becomes a <title> child: the hover text.
func (w *svgWriter) el(name, title string, attrs ...any) {
	w.b.WriteString("<" + name)
	w.attrs(attrs)
	if title == "" {
		w.b.WriteString("/>\n")
		return
	}
	fmt.Fprintf(&w.b, "><title>%s</title></%s>\n", html.EscapeString(title), name)
}

// text writes a text element with content s.
func (w *svgWriter) text(x, y float64, s string, attrs ...any) {
	w.b.WriteString("<text")
	w.attrs(append([]any{"x", x, "y", y}, attrs...))
	fmt.Fprintf(&w.b, ">%s</text>\n", html.EscapeString(s))
}

// shortLabel writes s without its first cut bytes (replaced by "…") and
// shortened to fit width pixels; hovering shows all of it.
func (w *svgWriter) shortLabel(x, y float64, s string, cut int, width float64, attrs ...any) {
	if cut == 0 {
		w.label(x, y, s, width, attrs...)
		return
	}
	short := truncate("…"+s[cut:], width, 12)
	w.b.WriteString("<text")
	w.attrs(append([]any{"x", x, "y", y}, attrs...))
	fmt.Fprintf(&w.b, "><title>%s</title>%s</text>\n", html.EscapeString(s), html.EscapeString(short))
}

// label writes text shortened to fit width pixels; if it was shortened,
// hovering shows all of it.
func (w *svgWriter) label(x, y float64, s string, width float64, attrs ...any) {
	short := truncate(s, width, 12)
	if short == s {
		w.text(x, y, s, attrs...)
		return
	}
	w.b.WriteString("<text")
	w.attrs(append([]any{"x", x, "y", y}, attrs...))
	fmt.Fprintf(&w.b, "><title>%s</title>%s</text>\n", html.EscapeString(s), html.EscapeString(short))
}

func (w *svgWriter) attrs(attrs []any) {
	for i := 0; i+1 < len(attrs); i += 2 {
		var v string
		switch x := attrs[i+1].(type) {
		case float64:
			v = num(x)
		case int:
			v = strconv.Itoa(x)
		case string:
			v = html.EscapeString(x)
		default:
			v = html.EscapeString(fmt.Sprint(x))
		}
		fmt.Fprintf(&w.b, ` %s="%s"`, attrs[i], v)
	}
}

// num formats a coordinate rounded to 0.1, without trailing zeros.
func num(f float64) string {
	f = math.Round(f*10) / 10
	if f == 0 {
		return "0" // no "-0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// textWidth estimates the width in pixels of s in the 12px sans-serif font.
func textWidth(s string, size float64) float64 {
	n := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("il.,:;!|'1 ", r):
			n += 0.33
		case strings.ContainsRune("mwMW@", r):
			n += 0.85
		case r >= 'A' && r <= 'Z':
			n += 0.68
		default:
			n += 0.56
		}
	}
	return n * size
}

// truncate shortens s with an ellipsis to fit width pixels.
func truncate(s string, width, size float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && textWidth(string(r)+"…", size) > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// niceStep returns a step of the form 1, 2 or 5 × 10^k that cuts lo..hi
// into the number of intervals closest to n.
func niceStep(lo, hi float64, n int) float64 {
	span := hi - lo
	if span <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(span/float64(n))))
	best, bestDiff := mag, math.Inf(1)
	for _, m := range []float64{1, 2, 5, 10} {
		step := m * mag
		count := math.Ceil(hi/step-1e-9) - math.Floor(lo/step+1e-9)
		if diff := math.Abs(count - float64(n)); diff <= bestDiff {
			best, bestDiff = step, diff
		}
	}
	return best
}

// niceTicks returns the ticks from 0 (or below lo) to at least hi: about n
// intervals of a nice step. lo and hi are the data range.
func niceTicks(lo, hi float64, n int) []float64 {
	if hi <= lo {
		hi = lo + 1
	}
	step := niceStep(lo, hi, n)
	start := math.Floor(lo/step) * step
	var ticks []float64
	for i := 0; ; i++ {
		t := start + float64(i)*step
		ticks = append(ticks, cleanFloat(t, step))
		if t >= hi-step*1e-9 {
			break
		}
	}
	return ticks
}

// cleanFloat removes floating-point noise from t, a multiple of step.
func cleanFloat(t, step float64) float64 {
	d := decimals(step)
	p := math.Pow(10, float64(d))
	return math.Round(t*p) / p
}

// decimals is how many decimals a multiple of step needs.
func decimals(step float64) int {
	if step <= 0 {
		return 0
	}
	return max(0, int(-math.Floor(math.Log10(step)+1e-9)))
}

// formatTick formats a tick value with the decimals its step needs, and
// large values with a suffix: 2000 as 2k, 3500000 as 3.5M.
func formatTick(v, step float64) string {
	for _, s := range []struct {
		scale  float64
		suffix string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if step >= s.scale && v != 0 {
			return formatPlainTick(v/s.scale, step/s.scale) + s.suffix
		}
	}
	return formatPlainTick(v, step)
}

// formatPlainTick formats a tick value with the decimals its step needs.
func formatPlainTick(v, step float64) string {
	return strconv.FormatFloat(v, 'f', decimals(step), 64)
}

// formatNumber formats a data value for a label or tooltip: up to 4
// significant digits, no exponent for everyday magnitudes.
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'g', 4, 64)
	if strings.Contains(s, "e") && math.Abs(v) >= 1e-4 && math.Abs(v) < 1e15 {
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return s
}

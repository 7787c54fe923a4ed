package display

import (
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// latencies is a long-tailed latency sample: most requests fast, a few slow.
func latencies() *Histogram {
	h := NewHistogram("Latency of 1,000 requests", "ms")
	r := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		v := 20 + r.NormFloat64()*4
		if r.IntN(50) == 0 {
			v += 60 + r.Float64()*80 // the tail
		}
		h.Add(math.Round(v*10) / 10)
	}
	return h
}

func TestHistogram(t *testing.T) {
	h := latencies()
	checkPicture(t, "histogram", h)
	if got, want := h.String(), "Latency of 1,000 requests: 1000 values, min 6.6, median 19.8, p90 25.5, p99 127.6, max 150.7 ms"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	svg := h.SVG()
	if n := strings.Count(svg, "<rect"); n < 10 || n > 40 {
		t.Errorf("%d bars, want 10 to 40", n)
	}
	for _, want := range []string{">median 19.8<", ">p99 127.6<", "<title>20 to 25 ms: "} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG has no %q", want)
		}
	}
}

func TestHistogramEdgeCases(t *testing.T) {
	h := NewHistogram("", "")
	if !strings.Contains(h.SVG(), "empty") || h.String() != "no values" || !math.IsNaN(h.Percentile(50)) {
		t.Errorf("empty histogram: %q", h.String())
	}
	h.Add(math.NaN())
	h.Add(math.Inf(1))
	h.Add(7)
	h.Add(7)
	checkWellFormed(t, h.SVG())
	if h.String() != "2 values, min 7, median 7, p90 7, p99 7, max 7" {
		t.Errorf("String() = %q", h.String())
	}
	for _, tt := range []struct{ p, want float64 }{{0, 1}, {50, 2.5}, {100, 4}, {25, 1.75}} {
		if got := percentile([]float64{1, 2, 3, 4}, tt.p); got != tt.want {
			t.Errorf("percentile(1..4, %v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

func TestHistogramConcurrent(t *testing.T) {
	h := NewHistogram("", "")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				h.Add(float64(g*100 + i))
			}
			_ = h.SVG()
		})
	}
	wg.Wait()
	if !strings.HasPrefix(h.String(), "800 values, min 0,") {
		t.Errorf("String() = %q", h.String())
	}
}

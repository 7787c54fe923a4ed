package display

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestBarChart(t *testing.T) {
	c := NewBarChart("Fetching 100 pages", "seconds")
	c.Add("sequential", 12.1)
	c.Add("4 goroutines", 3.4)
	c.Add("16 goroutines", 1.05)
	c.Add("a worker pool of 16 goroutines with a rate limit", 2.5)
	checkPicture(t, "bar-chart", c)
	want := "Fetching 100 pages\n" +
		"                                                  seconds\n" +
		"sequential                                           12.1\n" +
		"4 goroutines                                          3.4\n" +
		"16 goroutines                                        1.05\n" +
		"a worker pool of 16 goroutines with a rate limit      2.5\n"
	if got := c.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	if svg := c.SVG(); !strings.Contains(svg, "<title>sequential: 12.1 seconds</title>") {
		t.Errorf("bars have no hover text with the exact value")
	}
}

func TestBarChartSeriesAndNegatives(t *testing.T) {
	c := NewBarChart("Change after the fix", "%")
	for _, r := range []struct {
		series, cat string
		v           float64
	}{
		{"before", "latency", 120}, {"after", "latency", 80},
		{"before", "throughput", -15}, {"after", "throughput", 40},
		{"after", "errors", 0},
	} {
		c.AddTo(r.series, r.cat, r.v)
	}
	checkPicture(t, "bar-chart-series", c)
	if n := strings.Count(c.SVG(), "<title>"); n != 5 {
		t.Errorf("%d bars, want 5", n)
	}
}

func TestLineChart(t *testing.T) {
	c := NewLineChart("Speed-up of the crawler", "workers", "speed-up (×)")
	for _, p := range [][2]float64{{1, 1}, {2, 1.9}, {4, 3.6}, {8, 6.1}, {16, 7.2}, {32, 7.4}} {
		c.Add("measured", p[0], p[1])
	}
	for _, n := range []float64{32, 16, 8, 4, 2, 1} { // out of order: drawn sorted by x
		c.Add("ideal", n, n)
	}
	checkPicture(t, "line-chart", c)
	svg := c.SVG()
	if !strings.Contains(svg, "<title>measured: workers = 8, speed-up (×) = 6.1</title>") {
		t.Errorf("points have no hover text with exact values")
	}
	if !strings.Contains(svg, `d="M`) || strings.Count(svg, "<circle") != 12 {
		t.Errorf("want 2 lines and 12 markers")
	}
}

func TestLineChartLogX(t *testing.T) {
	c := NewLineChart("Requests per second", "goroutines", "requests/s")
	c.SetLogX(true)
	for _, p := range [][2]float64{{1, 95}, {2, 190}, {4, 370}, {8, 700}, {16, 1200}, {32, 1500}, {64, 1480}, {128, 1400}} {
		c.Add("", p[0], p[1])
	}
	checkPicture(t, "line-chart-logx", c)
	svg := c.SVG()
	for _, tick := range []string{">1<", ">2<", ">4<", ">64<", ">128<"} {
		if !strings.Contains(svg, tick) {
			t.Errorf("no tick %s on the log2 x axis", tick)
		}
	}
}

func TestLineChartManyPointsAndGaps(t *testing.T) {
	c := NewLineChart("", "", "")
	for i := range 2000 {
		v := math.Sin(float64(i) / 100)
		if i == 500 {
			v = math.NaN()
		}
		c.Add("", float64(i), v)
	}
	svg := c.SVG()
	checkWellFormed(t, svg)
	if strings.Contains(svg, "<circle") {
		t.Errorf("2,000 points drawn with markers")
	}
	if strings.Count(svg, "M") < 2 || strings.Contains(svg, "NaN") {
		t.Errorf("the NaN point should break the line, not be drawn")
	}
}

func TestLegendWraps(t *testing.T) {
	c := NewLineChart("", "", "")
	for i := range 8 {
		c.Add(fmt.Sprintf("a long series name number %d", i), 1, float64(i))
	}
	svg := c.SVG()
	swatchY := map[string]bool{}
	for _, m := range regexp.MustCompile(`<rect x="([0-9.]+)" y="([0-9.]+)" width="12"`).FindAllStringSubmatch(svg, -1) {
		if x, _ := strconv.ParseFloat(m[1], 64); x+16+textWidth("a long series name number 0", 12) > chWidth {
			t.Errorf("legend entry at x=%v runs off the %v pixel picture", x, chWidth)
		}
		swatchY[m[2]] = true
	}
	if len(swatchY) < 2 {
		t.Errorf("legend of 8 long names in %d rows, want it to wrap", len(swatchY))
	}
}

func TestEmptyCharts(t *testing.T) {
	for _, d := range []drawing{NewBarChart("", ""), NewLineChart("", "", "")} {
		if svg := d.SVG(); !strings.Contains(svg, "empty") {
			t.Errorf("empty chart: %s", svg)
		}
	}
}

func TestChartsConcurrent(t *testing.T) {
	bc := NewBarChart("", "")
	lc := NewLineChart("", "", "")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				bc.AddTo(string(rune('a'+g)), string(rune('A'+i%5)), float64(i))
				lc.Add(string(rune('a'+g)), float64(i), float64(g*i))
				if i%25 == 0 {
					_, _ = bc.SVG(), lc.HTML()
				}
			}
		})
	}
	wg.Wait()
	checkWellFormed(t, bc.SVG())
	checkWellFormed(t, lc.SVG())
}

package display_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/kernel/display"
)

// Outside a notebook each output is written to standard output as text.
func ExampleHTML() {
	display.HTML("<b>bold</b> move")
	// Output: <b>bold</b> move
}

// The kernel installs a sink that turns messages into Jupyter IOPub messages.
func ExampleSetSink() {
	display.SetSink(func(m display.Message) {
		data, _ := m.Content["data"].(map[string]any)
		fmt.Println(m.Type, slices.Sorted(maps.Keys(data)))
	})
	defer display.SetSink(nil)

	display.Markdown("# Results")
	display.SVG(`<svg xmlns="http://www.w3.org/2000/svg"/>`)
	display.ClearOutput(false)
	// Output:
	// display_data [text/markdown text/plain]
	// display_data [image/svg+xml text/plain]
	// clear_output []
}

type Gopher struct{ Name string }

// HTML makes a Gopher show itself as HTML in a notebook.
func (g Gopher) HTML() string { return "<b>" + g.Name + "</b>" }

// A value with an HTML method is shown as HTML, with a text form beside it.
func ExampleBundle() {
	data, _, ok := display.Bundle(Gopher{"Gordon"})
	fmt.Println(ok, data["text/html"], data["text/plain"])
	// Output: true <b>Gordon</b> {Name:Gordon}
}

// Show picks the richest form; a slice of structs is a table.
func ExampleShow() {
	type run struct {
		Workers int
		Seconds float64
	}
	display.Show([]run{{1, 8.1}, {2, 4.2}, {8, 1.3}})
	// Output:
	// Workers  Seconds
	//       1      8.1
	//       2      4.2
	//       8      1.3
}

// A handle replaces its output in place: one display, then updates.
func ExampleNewHandle() {
	display.SetSink(func(m display.Message) {
		data := m.Content["data"].(map[string]any)
		fmt.Println(m.Type, data["text/plain"])
	})
	defer display.SetSink(nil)

	h := display.NewHandle()
	for i := range 3 {
		h.Text(fmt.Sprintf("step %d of 3", i+1))
	}
	// Output:
	// display_data step 1 of 3
	// update_display_data step 2 of 3
	// update_display_data step 3 of 3
}

func ExampleTable() {
	display.Table(map[string]int{"go": 3, "rust": 1, "zig": 2})
	display.Table([]map[string]any{{"url": "a.com", "ms": 120}, {"url": "b.org", "ms": 80, "err": "timeout"}})
	// Output:
	// key   value
	// go        3
	// rust      1
	// zig       2
	// err       ms  url
	//          120  a.com
	// timeout   80  b.org
}

func ExampleJSON() {
	display.JSON(struct {
		Name  string `json:"name"`
		Tasks []int  `json:"tasks"`
	}{"crawl", []int{1, 2}})
	// Output:
	// {
	//   "name": "crawl",
	//   "tasks": [
	//     1,
	//     2
	//   ]
	// }
}

// A progress bar redraws in place, at most 10 times a second however often
// Add is called; this sink prints the first and the last drawing.
func ExampleNewProgress() {
	var texts []string
	display.SetSink(func(m display.Message) {
		texts = append(texts, m.Content["data"].(map[string]any)["text/plain"].(string))
	})
	defer display.SetSink(nil)

	p := display.NewProgress("pages", 40)
	for range 40 {
		p.Add(1)
	}
	p.Done()
	fmt.Println(texts[0])
	fmt.Println(texts[len(texts)-1])
	// Output:
	// pages [                    ] 0/40 0%
	// pages [====================] 40/40 100%
}

func ExampleNewCounter() {
	display.SetSink(func(display.Message) {}) // show nothing
	defer display.SetSink(nil)

	running := display.NewCounter("running")
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			running.Add(1)
			defer running.Add(-1)
		})
	}
	wg.Wait()
	running.Done()
	fmt.Println(running.Value(), running.Max() >= 1)
	// Output: 0 true
}

// A timeline records what each goroutine did and when. tl.Go starts a
// goroutine like sync.WaitGroup.Go; the timeline as a cell's result (or
// tl.Show()) draws the Gantt chart.
func ExampleTimeline() {
	tl := display.NewTimeline()
	for i := range 4 {
		tl.Go(fmt.Sprint("worker ", i), "sleep", func() {
			time.Sleep(time.Duration(i+1) * time.Millisecond)
		})
	}
	tl.Wait()
	fmt.Println(len(tl.Spans()), "spans")
	fmt.Println(strings.HasPrefix(tl.SVG(), "<svg"))
	// Output:
	// 4 spans
	// true
}

// Spans can be recorded around any piece of code, with explicit times too.
func ExampleTimeline_Add() {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	tl := display.NewTimeline()
	tl.Add("main", "load", t0, t0.Add(20*time.Millisecond))
	tl.Add("worker 1", "fetch", t0.Add(20*time.Millisecond), t0.Add(70*time.Millisecond))
	tl.Add("worker 2", "fetch", t0.Add(20*time.Millisecond), t0.Add(50*time.Millisecond))
	display.Show(tl)
	fmt.Println(tl.MaxConcurrent())
	// Output:
	// timeline of 3 spans in 3 lanes over 70ms, at most 2 at once
	// 2
}

// The text form of a chart is its data.
func ExampleBarChart() {
	c := display.NewBarChart("Crawl 100 pages", "seconds")
	c.Add("sequential", 12.1)
	c.Add("16 goroutines", 1.05)
	display.Show(c)
	// Output:
	// Crawl 100 pages
	//                seconds
	// sequential        12.1
	// 16 goroutines     1.05
}

func ExampleLineChart() {
	c := display.NewLineChart("Speed-up", "workers", "speed-up")
	for _, w := range []float64{1, 2, 4, 8} {
		c.Add("ideal", w, w)
	}
	c.Add("measured", 1, 1)
	c.Add("measured", 8, 5.5)
	display.Show(c)
	// Output:
	// Speed-up
	// series    workers  speed-up
	// ideal           1         1
	// ideal           2         2
	// ideal           4         4
	// ideal           8         8
	// measured        1         1
	// measured        8       5.5
}

// The text form of a histogram summarises the values.
func ExampleHistogram() {
	h := display.NewHistogram("Latency", "ms")
	for _, v := range []float64{12, 15, 11, 14, 13, 250} {
		h.Add(v)
	}
	display.Show(h)
	// Output: Latency: 6 values, min 11, median 13.5, p90 132.5, p99 238.3, max 250 ms
}

// A task graph: each node sits below the nodes it needs. The text form lists
// the levels, which are the steps that can run in parallel.
func ExampleGraph() {
	g := display.NewGraph("pipeline")
	g.Edge("fetch", "parse", "")
	g.Edge("fetch", "thumbnail", "")
	g.Edge("parse", "index", "")
	g.Edge("thumbnail", "index", "")
	display.Show(g)
	// Output:
	// pipeline: 4 nodes, 4 edges
	// level 0: fetch
	// level 1: parse, thumbnail
	// level 2: index
	// fetch -> parse
	// fetch -> thumbnail
	// parse -> index
	// thumbnail -> index
}

// A happens-before diagram: one lane per goroutine, events in program order,
// an edge for each synchronisation, and a dashed line between two events
// that nothing orders.
func ExampleGraph_NodeIn() {
	g := display.NewGraph("")
	g.NodeIn("main", "write", "data = 1")
	g.NodeIn("main", "unlock", "mu.Unlock()")
	g.NodeIn("g1", "lock", "mu.Lock()")
	g.NodeIn("g1", "read", "print(data)")
	g.NodeIn("g2", "read2", "print(data)")
	g.Edge("unlock", "lock", "Unlock → Lock")
	g.Unordered("write", "read2", "race")
	display.Show(g)
	// Output:
	// 5 nodes, 1 edge
	// level 0: main:write, g2:read2
	// level 1: main:unlock
	// level 2: g1:lock
	// level 3: g1:read
	// unlock -> lock (Unlock → Lock)
	// write <-> read2 unordered (race)
}

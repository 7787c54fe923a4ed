package display_test

import (
	"fmt"
	"maps"
	"slices"
	"sync"

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

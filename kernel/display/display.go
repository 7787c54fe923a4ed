// Package display is the API notebook cells use to show rich output: HTML,
// Markdown, SVG, images, JSON, LaTeX, tables, charts, progress bars and
// timelines of concurrent work.
//
// In a Gopherlab notebook the package is imported as display. Every function
// sends one Jupyter IOPub message (display_data, update_display_data or
// clear_output) to the sink installed with SetSink. Outside the kernel (go
// test, a compiled program) no sink is installed and the text/plain form of
// every output is written to os.Stdout, so the same code runs anywhere.
//
// # Showing values
//
// HTML, Markdown, SVG, PNG, JPEG, Image, JSON, LaTeX and Text show one
// output each; Show shows any value in its richest form, as Bundle describes;
// Table shows a slice of structs or maps, or a map, as a table. A value that
// is the result of a cell is shown with Bundle too: a value with an HTML,
// SVG, Markdown, PNG, JPEG, LaTeX or JSON method is shown with it, an
// image.Image as a PNG, a slice of structs or maps as a table, anything else
// as text.
//
// # Outputs that change
//
// A Handle is one output that later calls replace in place. NewProgress
// shows a progress bar and NewCounter a number with its maximum, for example
// of goroutines running; both may be updated from many goroutines and redraw
// at most 10 times a second.
//
// # Pictures of concurrent work
//
// A Timeline records spans of work from any goroutine (Start, Run, Go, Add)
// and draws a Gantt chart: a row per goroutine or worker, how many were busy
// at once, hover text with exact times; it stays readable with thousands of
// spans. NewBarChart compares numbers, such as the time each version of a
// program took; NewLineChart draws curves, such as speed-up against the
// number of workers. Pictures are SVG, inline in the notebook page (text and
// axes take the theme's text colour, so they read in light and dark themes)
// and as a standalone image/svg+xml on a white card for other front ends.
package display

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// Message is one Jupyter IOPub message a cell asks for.
type Message struct {
	Type    string         // "display_data", "update_display_data" or "clear_output"
	Content map[string]any // the Jupyter content: {"data":{mime:..}, "metadata":{}, "transient":{"display_id":..}} or {"wait":bool}
}

// out serialises messages: one sink call at a time, in the order the
// messages were sent.
var out struct {
	mu   sync.Mutex
	sink func(Message)
}

// SetSink installs where messages go. The worker calls it once at start-up.
// Until then (e.g. in go test or a compiled program), messages are written as
// text to os.Stdout: the text/plain form. Calls of sink are serialised. Safe for
// concurrent use; SetSink(nil) restores the text fallback.
func SetSink(sink func(Message)) {
	out.mu.Lock()
	defer out.mu.Unlock()
	out.sink = sink
}

// send delivers m to the sink, or writes its text/plain form to os.Stdout.
func send(m Message) {
	out.mu.Lock()
	defer out.mu.Unlock()
	if out.sink != nil {
		out.sink(m)
		return
	}
	if m.Type == "clear_output" {
		return
	}
	data, _ := m.Content["data"].(map[string]any)
	text, _ := data["text/plain"].(string)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	fmt.Fprint(os.Stdout, text)
}

// displayData sends a display_data message, or update_display_data if
// update is true. id is the display id, "" for none.
func displayData(data, metadata map[string]any, id string, update bool) {
	if metadata == nil {
		metadata = map[string]any{}
	}
	content := map[string]any{"data": data, "metadata": metadata}
	typ := "display_data"
	if id != "" {
		content["transient"] = map[string]any{"display_id": id}
		if update {
			typ = "update_display_data"
		}
	}
	send(Message{Type: typ, Content: content})
}

// ClearOutput clears the output of the running cell. With wait, the output
// is cleared when the next output arrives, which avoids flicker in loops that
// redraw.
func ClearOutput(wait bool) {
	send(Message{Type: "clear_output", Content: map[string]any{"wait": wait}})
}

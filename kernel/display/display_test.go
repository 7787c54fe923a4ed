package display

import (
	"encoding/json"
	"image"
	"image/color"
	"strings"
	"sync"
	"testing"
	"time"
)

// capture installs a sink that records messages until the test ends.
func capture(t *testing.T) func() []Message {
	t.Helper()
	var mu sync.Mutex
	var got []Message
	SetSink(func(m Message) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, m)
	})
	t.Cleanup(func() { SetSink(nil) })
	return func() []Message {
		mu.Lock()
		defer mu.Unlock()
		return append([]Message(nil), got...)
	}
}

// data returns the data of a display message.
func data(t *testing.T, m Message) map[string]any {
	t.Helper()
	d, ok := m.Content["data"].(map[string]any)
	if !ok {
		t.Fatalf("message %s has no data: %v", m.Type, m.Content)
	}
	return d
}

type page struct{ Title string }

func (p page) HTML() string { return "<h1>" + p.Title + "</h1>" }

type picture struct{}

func (picture) SVG() string    { return "<svg/>" }
func (picture) PNG() []byte    { return []byte{1, 2, 3} }
func (picture) String() string { return "a picture" }

type formula struct{}

func (formula) LaTeX() string { return `x^2` }
func (formula) JSON() any     { return map[string]int{"x": 2} }

type point struct {
	X, Y int
}

// _github_com_x_HTMLer is shaped like the interface wrappers yaegi extract
// generates.
type _github_com_x_HTMLer struct {
	IValue any
	WHTML  func() string
}

func (w _github_com_x_HTMLer) HTML() string { return w.WHTML() }

type named string

func (n named) String() string { return "name " + string(n) }

func TestBundle(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.White)
	var nilPage *page
	tests := []struct {
		name string
		v    any
		want map[string]any // mime → value; "*" means present, any value
	}{
		{"int", 42, map[string]any{"text/plain": "42"}},
		{"string", "hello", map[string]any{"text/plain": `"hello"`}},
		{"string with a newline", "a\nb", map[string]any{"text/plain": `"a\nb"`}},
		{"struct", point{1, 2}, map[string]any{"text/plain": "{X:1 Y:2}"}},
		{"pointer", &point{1, 2}, map[string]any{"text/plain": "&{X:1 Y:2}"}},
		{"nil pointer", nilPage, map[string]any{"text/plain": "<nil>"}},
		{"stringer", named("n"), map[string]any{"text/plain": "name n"}},
		{"html", page{"Hi"}, map[string]any{"text/html": "<h1>Hi</h1>", "text/plain": "{Title:Hi}"}},
		{"svg png", picture{}, map[string]any{"image/svg+xml": "<svg/>", "image/png": "AQID", "text/plain": "a picture"}},
		{"latex json", formula{}, map[string]any{"text/latex": "$$x^2$$", "application/json": map[string]any{"x": 2.0}, "text/plain": "{}"}},
		{"image", img, map[string]any{"image/png": "*", "text/plain": "*"}},
		{"slice of structs", []point{{1, 2}, {3, 4}}, map[string]any{"text/html": "*", "text/plain": "X  Y\n1  2\n3  4\n"}},
		{"empty slice", []point{}, map[string]any{"text/plain": "[]"}},
		{"slice of stringers", []named{"a"}, map[string]any{"text/plain": "[name a]"}},
		{"slice of times", []time.Time{base}, map[string]any{"text/plain": "[2026-01-02 03:04:05 +0000 UTC]"}},
		{"slice of timelines", []*Timeline{NewTimeline()}, map[string]any{"text/plain": "*"}},
		{"unexported fields left out", []struct {
			Name   string
			secret int
		}{{"a", 1}}, map[string]any{"text/html": "*", "text/plain": "Name\na\n"}},
		{"slice of ints", []int{1, 2}, map[string]any{"text/plain": "[1 2]"}},
		// The yaegi interpreter gives the types a cell declares no name and
		// an X before unexported field names.
		{"cell struct", struct {
			Name string
			Xage int
			Xin  struct{ Xdeep bool }
		}{"a", 3, struct{ Xdeep bool }{true}}, map[string]any{"text/plain": "{Name:a age:3 in:{deep:true}}"}},
		{"cell struct pointer", &struct{ Xn int }{4}, map[string]any{"text/plain": "&{n:4}"}},
		{"yaegi wrapper", _github_com_x_HTMLer{IValue: 1, WHTML: func() string { return "<i>w</i>" }}, map[string]any{"text/html": "<i>w</i>", "text/plain": "<i>w</i>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, metadata, ok := Bundle(tt.v)
			if !ok || metadata == nil {
				t.Fatalf("Bundle(%v): ok=%v metadata=%v", tt.v, ok, metadata)
			}
			if len(data) != len(tt.want) {
				t.Errorf("Bundle(%v) has %d types, want %d: %v", tt.v, len(data), len(tt.want), data)
			}
			for mime, want := range tt.want {
				got, ok := data[mime]
				if !ok {
					t.Errorf("Bundle(%v) has no %s", tt.v, mime)
					continue
				}
				if want == "*" {
					continue
				}
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				if string(gj) != string(wj) {
					t.Errorf("Bundle(%v)[%s] = %s, want %s", tt.v, mime, gj, wj)
				}
			}
		})
	}
	if _, _, ok := Bundle(nil); ok {
		t.Errorf("Bundle(nil) ok = true, want false")
	}
}

func TestBundleImageText(t *testing.T) {
	data, _, _ := Bundle(image.NewRGBA(image.Rect(0, 0, 4, 3)))
	if got := data["text/plain"]; !strings.HasPrefix(got.(string), "<PNG image 4×3, ") {
		t.Errorf("text/plain of an image = %q", got)
	}
}

func TestFunctionsSendDisplayData(t *testing.T) {
	got := capture(t)
	HTML("<b>x</b>")
	Markdown("*x*")
	SVG("<svg/>")
	PNG([]byte("not a png"))
	JPEG([]byte("not a jpeg"))
	JSON(map[string]int{"a": 1})
	JSON(make(chan int))
	LaTeX(`\alpha`)
	LaTeX(`$\alpha$`)
	Text("plain")
	Show(point{1, 2})
	Show(nil)
	Image(image.NewGray(image.Rect(0, 0, 1, 1)))
	ClearOutput(true)
	want := []struct{ typ, mime, value string }{
		{"display_data", "text/html", "<b>x</b>"},
		{"display_data", "text/markdown", "*x*"},
		{"display_data", "image/svg+xml", "<svg/>"},
		{"display_data", "text/plain", "<PNG image, 9 bytes>"},
		{"display_data", "text/plain", "<JPEG image, 10 bytes>"},
		{"display_data", "text/plain", "{\n  \"a\": 1\n}"},
		{"display_data", "text/plain", "display.JSON: json: unsupported type: chan int"},
		{"display_data", "text/latex", `$$\alpha$$`},
		{"display_data", "text/latex", `$\alpha$`},
		{"display_data", "text/plain", "plain"},
		{"display_data", "text/plain", "{X:1 Y:2}"},
		{"display_data", "image/png", "*"},
		{"clear_output", "", ""},
	}
	msgs := got()
	if len(msgs) != len(want) {
		t.Fatalf("got %d messages, want %d: %v", len(msgs), len(want), msgs)
	}
	for i, w := range want {
		m := msgs[i]
		if m.Type != w.typ {
			t.Errorf("message %d: type %s, want %s", i, m.Type, w.typ)
			continue
		}
		if _, err := json.Marshal(m.Content); err != nil {
			t.Errorf("message %d: content does not encode: %v", i, err)
		}
		if w.typ == "clear_output" {
			if m.Content["wait"] != true {
				t.Errorf("clear_output content %v, want wait true", m.Content)
			}
			continue
		}
		if _, ok := m.Content["transient"]; ok {
			t.Errorf("message %d: plain display has a display id: %v", i, m.Content)
		}
		d := data(t, m)
		if _, ok := d["text/plain"]; !ok {
			t.Errorf("message %d: no text/plain: %v", i, d)
		}
		if w.value != "*" && d[w.mime] != w.value {
			t.Errorf("message %d: %s = %q, want %q", i, w.mime, d[w.mime], w.value)
		}
	}
}

func TestHandle(t *testing.T) {
	got := capture(t)
	h := NewHandle()
	other := NewHandle()
	if h.ID() == other.ID() || !strings.HasPrefix(h.ID(), "gopherlab-") {
		t.Fatalf("display ids %q and %q", h.ID(), other.ID())
	}
	h.Text("one")
	h.HTML("<i>two</i>")
	h.Update(point{3, 4})
	h.Update(nil)
	msgs := got()
	wantTypes := []string{"display_data", "update_display_data", "update_display_data", "update_display_data"}
	if len(msgs) != len(wantTypes) {
		t.Fatalf("got %d messages, want %d", len(msgs), len(wantTypes))
	}
	for i, m := range msgs {
		if m.Type != wantTypes[i] {
			t.Errorf("message %d: type %s, want %s", i, m.Type, wantTypes[i])
		}
		tr, _ := m.Content["transient"].(map[string]any)
		if tr["display_id"] != h.ID() {
			t.Errorf("message %d: transient %v, want display_id %s", i, m.Content["transient"], h.ID())
		}
	}
	if d := data(t, msgs[2]); d["text/plain"] != "{X:3 Y:4}" {
		t.Errorf("Update(point) text = %q", d["text/plain"])
	}
}

// TestConcurrentHandles runs under -race: many goroutines share handles and
// the sink; exactly one display_data per handle comes first.
func TestConcurrentHandles(t *testing.T) {
	got := capture(t)
	handles := []*Handle{NewHandle(), NewHandle(), NewHandle()}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				handles[(g+i)%len(handles)].Text("x")
				Text("y")
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	n := 0
	for _, m := range got() {
		tr, ok := m.Content["transient"].(map[string]any)
		if !ok {
			continue
		}
		n++
		id := tr["display_id"].(string)
		if first := !seen[id]; first != (m.Type == "display_data") {
			t.Errorf("handle %s: %s (first=%v)", id, m.Type, first)
		}
		seen[id] = true
	}
	if n != 8*50 || len(seen) != len(handles) {
		t.Errorf("%d handle messages for %d handles, want %d for %d", n, len(seen), 8*50, len(handles))
	}
}

package display

import (
	"crypto/rand"
	"image"
	"sync"
)

// A Handle is one output that can be replaced in place, for example a
// status line a loop rewrites. The first call of one of its methods shows
// the output where the cell is; later calls replace it, even from a later
// cell. A Handle is safe for concurrent use.
//
//	h := display.NewHandle()
//	for i := range 10 {
//		h.Text(fmt.Sprintf("step %d of 10", i+1))
//	}
type Handle struct {
	id    string
	mu    sync.Mutex
	shown bool
}

// NewHandle returns a handle with a new display id. It shows nothing yet.
func NewHandle() *Handle {
	return &Handle{id: "gopherlab-" + rand.Text()}
}

// ID returns the handle's Jupyter display id.
func (h *Handle) ID() string { return h.id }

// Update shows v in its richest form (see Bundle) in place of the handle's
// output. Update(nil) shows an empty output.
func (h *Handle) Update(v any) {
	data, metadata, ok := Bundle(v)
	if !ok {
		data = map[string]any{"text/plain": ""}
	}
	h.send(data, metadata)
}

// HTML shows s as HTML in place of the handle's output.
func (h *Handle) HTML(s string) { h.send(htmlData(s), nil) }

// Markdown shows s as Markdown in place of the handle's output.
func (h *Handle) Markdown(s string) { h.send(markdownData(s), nil) }

// SVG shows the SVG document s in place of the handle's output.
func (h *Handle) SVG(s string) { h.send(svgData(s), nil) }

// PNG shows the PNG file b in place of the handle's output.
func (h *Handle) PNG(b []byte) { h.send(pngData(b), nil) }

// JPEG shows the JPEG file b in place of the handle's output.
func (h *Handle) JPEG(b []byte) { h.send(jpegData(b), nil) }

// Image shows img in place of the handle's output.
func (h *Handle) Image(img image.Image) { h.send(imageData(img), nil) }

// JSON shows v as JSON in place of the handle's output.
func (h *Handle) JSON(v any) { h.send(jsonData(v), nil) }

// LaTeX shows s as mathematics in place of the handle's output.
func (h *Handle) LaTeX(s string) { h.send(latexData(s), nil) }

// Text shows s as plain text in place of the handle's output.
func (h *Handle) Text(s string) { h.send(textData(s), nil) }

// send shows data: display_data the first time, update_display_data after.
func (h *Handle) send(data, metadata map[string]any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	displayData(data, metadata, h.id, h.shown)
	h.shown = true
}

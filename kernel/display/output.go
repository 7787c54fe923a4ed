package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of JPEG for the text form of JPEG
	"image/png"
	"strings"
)

// HTML shows s as HTML.
func HTML(s string) { show(htmlData(s)) }

// Markdown shows s as Markdown.
func Markdown(s string) { show(markdownData(s)) }

// SVG shows s, an SVG document, as an image.
func SVG(s string) { show(svgData(s)) }

// PNG shows b, a PNG file, as an image.
func PNG(b []byte) { show(pngData(b)) }

// JPEG shows b, a JPEG file, as an image.
func JPEG(b []byte) { show(jpegData(b)) }

// Image shows img as a PNG image.
func Image(img image.Image) { show(imageData(img)) }

// JSON shows v as an interactive JSON tree. v is encoded with encoding/json,
// so struct tags apply. If v cannot be encoded, the error is shown as text.
func JSON(v any) { show(jsonData(v)) }

// LaTeX shows s as typeset mathematics. A string with no $ and no \begin is
// taken as one display formula and put between $$.
func LaTeX(s string) { show(latexData(s)) }

// Text shows s as plain text, as a display rather than on standard output.
func Text(s string) { show(textData(s)) }

// Show shows v in its richest form; see Bundle. Show(nil) shows nothing.
func Show(v any) {
	data, metadata, ok := Bundle(v)
	if !ok {
		return
	}
	displayData(data, metadata, "", false)
}

func show(data map[string]any) { displayData(data, nil, "", false) }

func textData(s string) map[string]any { return map[string]any{"text/plain": s} }

func htmlData(s string) map[string]any {
	return map[string]any{"text/html": s, "text/plain": s}
}

func markdownData(s string) map[string]any {
	return map[string]any{"text/markdown": s, "text/plain": s}
}

func svgData(s string) map[string]any {
	return map[string]any{"image/svg+xml": s, "text/plain": "<SVG image>"}
}

func latexData(s string) map[string]any {
	return map[string]any{"text/latex": latex(s), "text/plain": s}
}

func pngData(b []byte) map[string]any {
	return map[string]any{"image/png": base64.StdEncoding.EncodeToString(b), "text/plain": imageText("PNG", b)}
}

func jpegData(b []byte) map[string]any {
	return map[string]any{"image/jpeg": base64.StdEncoding.EncodeToString(b), "text/plain": imageText("JPEG", b)}
}

func imageData(img image.Image) map[string]any {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return textData(fmt.Sprintf("display.Image: %v", err))
	}
	return pngData(buf.Bytes())
}

func jsonData(v any) map[string]any {
	j, err := jsonValue(v)
	if err != nil {
		return textData(fmt.Sprintf("display.JSON: %v", err))
	}
	text, _ := json.MarshalIndent(j, "", "  ")
	return map[string]any{"application/json": j, "text/plain": string(text)}
}

// jsonValue turns v into the generic form encoding/json decodes to (maps,
// slices, float64, string, bool, nil), so the message's encoder sees exactly
// what v's encoding says, struct tags included.
func jsonValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var j any
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, err
	}
	return j, nil
}

// latex puts s between $$ unless it already delimits its mathematics.
func latex(s string) string {
	if strings.Contains(s, "$") || strings.Contains(s, `\begin`) {
		return s
	}
	return "$$" + s + "$$"
}

// imageText describes an encoded image for text/plain: format, size, bytes.
func imageText(format string, b []byte) string {
	c, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return fmt.Sprintf("<%s image, %d bytes>", format, len(b))
	}
	return fmt.Sprintf("<%s image %d×%d, %d bytes>", format, c.Width, c.Height, len(b))
}

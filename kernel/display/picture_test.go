package display

import (
	"encoding/base64"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	update = flag.Bool("update", false, "rewrite the golden files in testdata")
	look   = flag.String("look", "", "write HTML pages of every drawing to this directory, on a light and a dark page")
)

// A drawing draws itself standalone (SVG) and inline (HTML).
type drawing interface {
	SVG() string
	HTML() string
}

// checkPicture compares a drawing with testdata/name.svg and
// testdata/name.html, and writes pages to look at with -look.
func checkPicture(t *testing.T, name string, p drawing) {
	t.Helper()
	for _, form := range []struct{ ext, got string }{{"svg", p.SVG()}, {"html", p.HTML()}} {
		checkWellFormed(t, form.got)
		path := filepath.Join("testdata", name+"."+form.ext)
		if *update {
			if err := os.WriteFile(path, []byte(form.got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if form.got != string(want) {
			t.Errorf("%s differs from the golden file; run go test -update and look at the diff:\n%s", path, firstDiff(form.got, string(want)))
		}
	}
	if *look != "" {
		writeLookPage(t, name, p)
	}
}

// checkWellFormed checks that the SVG's tags balance, a cheap guard against
// broken markup.
func checkWellFormed(t *testing.T, s string) {
	t.Helper()
	tag := regexp.MustCompile(`<(/?)([a-zA-Z]+)[^>]*?(/?)>`)
	var stack []string
	for _, m := range tag.FindAllStringSubmatch(s, -1) {
		switch {
		case m[3] == "/":
		case m[1] == "/":
			if len(stack) == 0 || stack[len(stack)-1] != m[2] {
				t.Fatalf("unbalanced </%s> after %v", m[2], stack)
			}
			stack = stack[:len(stack)-1]
		default:
			stack = append(stack, m[2])
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed tags %v", stack)
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			c := 0
			for c < len(gl) && c < len(wl) && gl[c] == wl[c] {
				c++
			}
			from := max(c-60, 0)
			return fmt.Sprintf("line %d, byte %d:\n got: …%s\nwant: …%s", i+1, c, gl[from:min(c+60, len(gl))], wl[from:min(c+60, len(wl))])
		}
	}
	return "(same lines, different bytes)"
}

// writeLookPage writes name.html: the inline form on a light and a dark
// page, as JupyterLab shows text/html, and the standalone form in an <img>
// on both, as front ends show image/svg+xml.
func writeLookPage(t *testing.T, name string, p drawing) {
	t.Helper()
	img := "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(p.SVG()))
	var b strings.Builder
	b.WriteString(`<!doctype html><meta charset="utf-8"><body style="margin:0">`)
	for _, theme := range []struct{ bg, fg string }{{"#fff", "#222"}, {"#111", "#ddd"}} {
		fmt.Fprintf(&b, `<div style="background:%s;color:%s;padding:10px">%s<br><img src="%s"></div>`, theme.bg, theme.fg, p.HTML(), html.EscapeString(img))
	}
	if err := os.MkdirAll(*look, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*look, name+".html"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// countElements counts the drawing elements of an SVG document.
func countElements(s string) int {
	return strings.Count(s, "<rect") + strings.Count(s, "<line") + strings.Count(s, "<path") + strings.Count(s, "<text") + strings.Count(s, "<circle") + strings.Count(s, "<polyline")
}

package display

import (
	"fmt"
	"math"
	"strings"
)

// A WaitForGraph is a small directed graph of who waits for whom, drawn as a picture: goroutines, locks
// and channels as nodes, "waits for" and "held by" as arrows. Nodes sit on a
// circle in the order given. Edges that lie on a cycle are drawn in red and
// the caption names the cycle: for a wait-for graph, a cycle is a deadlock.
// A *WaitForGraph that is a cell's result is drawn; Show draws it in the middle of
// a cell.
//
//	display.Show(&display.WaitForGraph{
//		Title: "two goroutines, two locks",
//		Nodes: []display.WaitNode{{ID: "g1", Kind: "goroutine"}, {ID: "a", Kind: "lock"}, ...},
//		Edges: []display.WaitEdge{{From: "g1", To: "a", Label: "waits for"}, ...},
//	})
type WaitForGraph struct {
	Title string
	Nodes []WaitNode
	Edges []WaitEdge
}

// A WaitNode is one box of a WaitForGraph.
type WaitNode struct {
	ID    string // what edges refer to
	Label string // the text in the box; ID if empty
	Kind  string // "goroutine" (rounded box), "lock" (square box), "channel" (pipe); anything else is a plain box
}

// An WaitEdge is an arrow between two nodes, by ID.
type WaitEdge struct {
	From, To string
	Label    string
}

// Show displays the graph.
func (g *WaitForGraph) Show() { Show(g) }

// SVG is the graph as a standalone SVG picture.
func (g *WaitForGraph) SVG() string { return g.draw(true) }

// HTML is the graph as inline SVG that takes the page's text colour.
func (g *WaitForGraph) HTML() string { return g.draw(false) }

// String is the text form: one line per edge, then the cycles.
func (g *WaitForGraph) String() string {
	var b strings.Builder
	if g.Title != "" {
		b.WriteString(g.Title + "\n")
	}
	for _, e := range g.Edges {
		label := ""
		if e.Label != "" {
			label = " (" + e.Label + ")"
		}
		fmt.Fprintf(&b, "%s -> %s%s\n", g.label(e.From), g.label(e.To), label)
	}
	if c := g.Cycle(); len(c) > 0 {
		b.WriteString("cycle: " + g.cycleText(c) + "\n")
	}
	return b.String()
}

func (g *WaitForGraph) label(id string) string {
	for _, n := range g.Nodes {
		if n.ID == id && n.Label != "" {
			return n.Label
		}
	}
	return id
}

func (g *WaitForGraph) cycleText(c []string) string {
	names := make([]string, 0, len(c)+1)
	for _, id := range c {
		names = append(names, g.label(id))
	}
	return strings.Join(append(names, names[0]), " → ")
}

// Cycle returns the IDs of the nodes of one cycle, in edge order, starting
// from the earliest node given; nil if the graph has none.
func (g *WaitForGraph) Cycle() []string {
	next := map[string][]string{}
	for _, e := range g.Edges {
		next[e.From] = append(next[e.From], e.To)
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var found []string
	var visit func(id string) bool
	visit = func(id string) bool {
		state[id] = onPath
		path = append(path, id)
		for _, n := range next[id] {
			switch state[n] {
			case onPath:
				for i, p := range path {
					if p == n {
						found = append([]string(nil), path[i:]...)
					}
				}
				return true
			case unseen:
				if visit(n) {
					return true
				}
			}
		}
		path = path[:len(path)-1]
		state[id] = done
		return false
	}
	for _, n := range g.Nodes {
		if state[n.ID] == unseen && visit(n.ID) {
			return found
		}
	}
	return nil
}

// onCycle reports which edges join two nodes of the same strongly
// connected component, that is, lie on some cycle.
func (g *WaitForGraph) onCycle() []bool {
	reach := func(from string) map[string]bool {
		seen := map[string]bool{from: true}
		stack := []string{from}
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, e := range g.Edges {
				if e.From == id && !seen[e.To] {
					seen[e.To] = true
					stack = append(stack, e.To)
				}
			}
		}
		return seen
	}
	out := make([]bool, len(g.Edges))
	for i, e := range g.Edges {
		out[i] = e.From == e.To || reach(e.To)[e.From]
	}
	return out
}

const (
	wfW      = 640.0
	wfNodeH  = 34.0
	wfRadius = 150.0
	wfRed    = "#c0392b"
)

func (g *WaitForGraph) draw(standalone bool) string {
	var w svgWriter
	if len(g.Nodes) == 0 {
		w.open(wfW, 40, standalone)
		w.text(10, 24, "empty graph: no nodes", "fill", "currentColor")
		return w.close()
	}
	top := 10.0
	if g.Title != "" {
		top += 24
	}
	cx, cy := wfW/2, top+wfRadius+wfNodeH/2+6
	rx := wfRadius * 1.55
	if len(g.Nodes) <= 2 {
		cy = top + wfNodeH + 30
	}
	height := cy + wfRadius + wfNodeH/2 + 18
	if len(g.Nodes) <= 2 {
		height = cy + wfNodeH + 30
	}
	cycle := g.Cycle()
	if len(cycle) > 0 {
		height += 20
	}
	type box struct{ x, y, w, h float64 }
	boxes := map[string]box{}
	for i, n := range g.Nodes {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(len(g.Nodes))
		x, y := cx+rx*math.Cos(a), cy+wfRadius*math.Sin(a)
		if len(g.Nodes) <= 2 {
			y = cy
		}
		label := n.Label
		if label == "" {
			label = n.ID
		}
		bw := min(textWidth(label, 12)+20, 230)
		boxes[n.ID] = box{x - bw/2, y - wfNodeH/2, bw, wfNodeH}
	}

	w.open(wfW, height, standalone)
	w.b.WriteString(`<defs><marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>` + "\n")
	if g.Title != "" {
		w.text(10, 24, g.Title, "fill", "currentColor", "font-size", 14, "font-weight", "bold")
	}
	// clip returns where the segment from the centre of b towards (tx, ty)
	// leaves the box.
	clip := func(b box, tx, ty float64) (float64, float64) {
		mx, my := b.x+b.w/2, b.y+b.h/2
		dx, dy := tx-mx, ty-my
		if dx == 0 && dy == 0 {
			return mx, my
		}
		s := math.Inf(1)
		if dx != 0 {
			s = min(s, (b.w/2+3)/math.Abs(dx))
		}
		if dy != 0 {
			s = min(s, (b.h/2+3)/math.Abs(dy))
		}
		return mx + dx*s, my + dy*s
	}
	red := g.onCycle()
	for i, e := range g.Edges {
		from, ok1 := boxes[e.From]
		to, ok2 := boxes[e.To]
		if !ok1 || !ok2 {
			continue
		}
		colour := "currentColor"
		if red[i] {
			colour = wfRed
		}
		x1, y1 := clip(from, to.x+to.w/2, to.y+to.h/2)
		x2, y2 := clip(to, from.x+from.w/2, from.y+from.h/2)
		title := g.label(e.From) + " → " + g.label(e.To)
		if e.Label != "" {
			title = g.label(e.From) + " " + e.Label + " " + g.label(e.To)
		}
		w.el("line", title, "x1", x1, "y1", y1, "x2", x2, "y2", y2, "stroke", colour, "stroke-width", 1.6, "marker-end", "url(#wf-arrow)")
		if e.Label != "" {
			mx, my := (x1+x2)/2, (y1+y2)/2
			w.text(mx, my-4, e.Label, "fill", colour, "font-size", 11, "text-anchor", "middle")
		}
	}
	for i, n := range g.Nodes {
		b := boxes[n.ID]
		colour := palette[i%len(palette)]
		rxy := 4.0
		switch n.Kind {
		case "goroutine":
			colour, rxy = palette[0], b.h/2
		case "lock":
			colour, rxy = palette[6], 0
		case "channel":
			colour, rxy = palette[2], 10
		}
		label := n.Label
		if label == "" {
			label = n.ID
		}
		w.el("rect", "", "x", b.x, "y", b.y, "width", b.w, "height", b.h, "rx", rxy, "fill", colour)
		w.label(b.x+b.w/2, b.y+b.h/2+4, label, b.w-12, "fill", "#fff", "text-anchor", "middle")
	}
	if len(cycle) > 0 {
		w.text(10, height-10, "cycle (a deadlock): "+g.cycleText(cycle), "fill", wfRed, "font-size", 12)
	}
	return w.close()
}

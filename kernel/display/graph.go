package display

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// A Graph draws a directed acyclic graph from top to bottom: every node sits
// below all the nodes it depends on. Two kinds of pictures use it:
//
//   - a task graph: nodes are tasks, an edge from a to b means "b needs the
//     result of a" (Node and Edge);
//   - a happens-before diagram: each goroutine is a lane (a column) whose
//     nodes are its events in program order (NodeIn), edges are the
//     synchronisation that orders events of different goroutines, and
//     Unordered marks two events nothing orders (a data race if both touch
//     the same variable and one writes).
//
// A Graph that is a cell's result is drawn; Show draws it in the middle of
// a cell. Its methods may be called from any number of goroutines.
//
//	g := display.NewGraph("word count")
//	g.Edge("read", "split", "")
//	g.Edge("split", "count", "")
//	g
type Graph struct {
	mu        sync.Mutex
	title     string
	ids       []string          // nodes in the order added
	label     map[string]string // by id
	lane      map[string]string // by id; "" when not in a lane
	lanes     []string          // lanes in the order added
	edges     []graphEdge
	unordered []graphEdge
}

type graphEdge struct{ from, to, label string }

// NewGraph returns an empty graph.
func NewGraph(title string) *Graph {
	return &Graph{title: title, label: map[string]string{}, lane: map[string]string{}}
}

// Node adds a node (or relabels it). label is what the box shows; if it is
// empty, the box shows id.
func (g *Graph) Node(id, label string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.node(id, label, "")
}

// NodeIn adds a node to a lane, below the lane's earlier nodes: lanes are
// the goroutines of a happens-before diagram, their nodes the events in
// program order.
func (g *Graph) NodeIn(lane, id, label string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.node(id, label, lane)
}

func (g *Graph) node(id, label, lane string) {
	if _, ok := g.label[id]; !ok {
		g.ids = append(g.ids, id)
	}
	if label == "" {
		label = id
	}
	g.label[id] = label
	if lane != "" && !slices.Contains(g.lanes, lane) {
		g.lanes = append(g.lanes, lane)
	}
	g.lane[id] = lane
}

// Edge adds an arrow from one node to another, with an optional label.
// Nodes named for the first time are added with their id as label.
func (g *Graph) Edge(from, to, label string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ensure(from, to)
	g.edges = append(g.edges, graphEdge{from, to, label})
}

// Unordered marks two nodes that no edge orders, drawn as a dashed red line
// with a label (for example "data race").
func (g *Graph) Unordered(a, b, label string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ensure(a, b)
	g.unordered = append(g.unordered, graphEdge{a, b, label})
}

func (g *Graph) ensure(ids ...string) {
	for _, id := range ids {
		if _, ok := g.label[id]; !ok {
			g.node(id, id, "")
		}
	}
}

// Show draws the graph as a cell output.
func (g *Graph) Show() { Show(g) }

// SVG draws the graph as a standalone SVG document.
func (g *Graph) SVG() string { return g.draw(true) }

// HTML draws the graph as SVG to put inline in a notebook page.
func (g *Graph) HTML() string { return g.draw(false) }

// graphLayout is a snapshot of the graph with every node's level (its row:
// one more than the deepest node it depends on).
type graphLayout struct {
	title     string
	ids       []string
	label     map[string]string
	lane      map[string]string
	lanes     []string
	edges     []graphEdge
	unordered []graphEdge
	level     map[string]int
	levels    [][]string // node ids by level, in drawing order
	cycle     []string   // nodes on or behind a cycle, if any
}

func (g *Graph) layout() *graphLayout {
	g.mu.Lock()
	l := &graphLayout{
		title: g.title, ids: slices.Clone(g.ids), lanes: slices.Clone(g.lanes),
		edges: slices.Clone(g.edges), unordered: slices.Clone(g.unordered),
		label: map[string]string{}, lane: map[string]string{}, level: map[string]int{},
	}
	for _, id := range g.ids {
		l.label[id], l.lane[id] = g.label[id], g.lane[id]
	}
	g.mu.Unlock()

	// Dependencies: the edges, plus program order inside each lane.
	preds := map[string][]string{}
	for _, e := range l.edges {
		preds[e.to] = append(preds[e.to], e.from)
	}
	last := map[string]string{}
	for _, id := range l.ids {
		if ln := l.lane[id]; ln != "" {
			if p, ok := last[ln]; ok {
				preds[id] = append(preds[id], p)
			}
			last[ln] = id
		}
	}
	// Longest path from the sources, by repeated relaxation in insertion
	// order (graphs here are small); a node still changing after len(ids)
	// rounds is on or behind a cycle.
	for _, id := range l.ids {
		l.level[id] = 0
	}
	for round := 0; round <= len(l.ids); round++ {
		changed := false
		for _, id := range l.ids {
			for _, p := range preds[id] {
				if l.level[p]+1 > l.level[id] {
					l.level[id] = l.level[p] + 1
					changed = true
				}
			}
		}
		if !changed {
			break
		}
		if round == len(l.ids) {
			for _, id := range l.ids {
				if l.level[id] >= len(l.ids) {
					l.cycle = append(l.cycle, id)
				}
			}
		}
	}
	if l.cycle != nil {
		return l
	}
	depth := 0
	for _, id := range l.ids {
		depth = max(depth, l.level[id]+1)
	}
	l.levels = make([][]string, depth)
	for _, id := range l.ids {
		l.levels[l.level[id]] = append(l.levels[l.level[id]], id)
	}
	return l
}

// String lists the nodes level by level, and the edges.
func (g *Graph) String() string {
	l := g.layout()
	var b strings.Builder
	if l.title != "" {
		b.WriteString(l.title + ": ")
	}
	fmt.Fprintf(&b, "%s, %s", plural(len(l.ids), "node"), plural(len(l.edges), "edge"))
	if l.cycle != nil {
		fmt.Fprintf(&b, "; not acyclic: a cycle runs through %s", strings.Join(l.cycle, ", "))
		return b.String()
	}
	for i, ids := range l.levels {
		names := make([]string, len(ids))
		for k, id := range ids {
			names[k] = id
			if ln := l.lane[id]; ln != "" {
				names[k] = ln + ":" + id
			}
		}
		fmt.Fprintf(&b, "\nlevel %d: %s", i, strings.Join(names, ", "))
	}
	for _, e := range l.edges {
		fmt.Fprintf(&b, "\n%s -> %s", e.from, e.to)
		if e.label != "" {
			b.WriteString(" (" + e.label + ")")
		}
	}
	for _, e := range l.unordered {
		fmt.Fprintf(&b, "\n%s <-> %s unordered", e.from, e.to)
		if e.label != "" {
			b.WriteString(" (" + e.label + ")")
		}
	}
	return b.String()
}

const (
	graphNodeH   = 28.0
	graphRowGap  = 62.0
	graphPadX    = 24.0
	graphMinSlot = 120.0
	graphMaxText = 220.0
)

func (g *Graph) draw(standalone bool) string {
	l := g.layout()
	var w svgWriter
	if len(l.ids) == 0 || l.cycle != nil {
		msg := "empty graph: no nodes added yet"
		if l.cycle != nil {
			msg = "not acyclic: a cycle runs through " + strings.Join(l.cycle, ", ")
		}
		w.open(chWidth, 40, standalone)
		w.text(10, 24, msg, "fill", "currentColor")
		return w.close()
	}
	boxW := map[string]float64{}
	slot := graphMinSlot
	for _, id := range l.ids {
		boxW[id] = min(textWidth(l.label[id], 12), graphMaxText) + graphPadX
		slot = max(slot, boxW[id]+30)
	}
	x := map[string]float64{} // centres
	laned := len(l.lanes) > 0
	width := 0.0
	if laned {
		// One column per lane; nodes without a lane after the lanes.
		col := map[string]int{}
		for i, ln := range l.lanes {
			col[ln] = i
		}
		extra := len(l.lanes)
		for _, id := range l.ids {
			if l.lane[id] == "" {
				col[" "+id] = extra
				extra++
			}
		}
		for _, id := range l.ids {
			key := l.lane[id]
			if key == "" {
				key = " " + id
			}
			x[id] = 20 + slot*(float64(col[key])+0.5)
		}
		width = 40 + slot*float64(extra)
	} else {
		// Each level centred; inside a level, nodes ordered by the mean
		// position of the nodes they depend on (fewer crossings).
		preds := map[string][]string{}
		for _, e := range l.edges {
			preds[e.to] = append(preds[e.to], e.from)
		}
		widest := 0
		for _, ids := range l.levels {
			widest = max(widest, len(ids))
		}
		width = 40 + slot*float64(widest)
		for _, ids := range l.levels {
			key := map[string]float64{}
			for i, id := range ids {
				key[id] = float64(i) * 1e-6 // ties keep insertion order
				if ps := preds[id]; len(ps) > 0 {
					sum := 0.0
					for _, p := range ps {
						sum += x[p]
					}
					key[id] += sum / float64(len(ps))
				}
			}
			slices.SortStableFunc(ids, func(a, b string) int {
				switch {
				case key[a] < key[b]:
					return -1
				case key[a] > key[b]:
					return 1
				}
				return 0
			})
			for i, id := range ids {
				x[id] = width/2 + slot*(float64(i)-float64(len(ids)-1)/2)
			}
		}
	}
	top := 12.0
	titleY := 0.0
	if l.title != "" {
		titleY = top + 12
		top += 26
	}
	if laned {
		top += 24 // lane names
	}
	y := func(id string) float64 { return top + float64(l.level[id])*graphRowGap + graphNodeH/2 }
	height := top + float64(len(l.levels)-1)*graphRowGap + graphNodeH + 16
	legendY := 0.0
	if len(l.unordered) > 0 || (laned && len(l.edges) > 0) {
		legendY = height + 4
		height += 26
	}
	width = max(width, 360)

	w.open(width, height, standalone)
	if l.title != "" {
		w.text(20, titleY, l.title, "fill", "currentColor", "font-size", 14, "font-weight", "bold")
	}
	colour := map[string]string{}
	for i, ln := range l.lanes {
		colour[ln] = palette[i%len(palette)]
		var first, lastID string
		for _, id := range l.ids {
			if l.lane[id] == ln {
				if first == "" {
					first = id
				}
				lastID = id
			}
		}
		cx := x[first]
		w.label(cx, top-12, ln, slot-10, "fill", colour[ln], "text-anchor", "middle", "font-weight", "bold")
		w.el("line", ln+": program order, top to bottom", "x1", cx, "y1", y(first), "x2", cx, "y2", y(lastID)+graphNodeH/2+8,
			"stroke", colour[ln], "stroke-width", 3, "stroke-opacity", 0.35)
	}
	// Edges under the boxes: from the bottom of one box to the top of the
	// other, or side to side within a level.
	for _, e := range l.edges {
		x1, y1, x2, y2 := x[e.from], y(e.from)+graphNodeH/2, x[e.to], y(e.to)-graphNodeH/2
		if l.level[e.from] == l.level[e.to] { // cannot happen for a DAG edge; kept safe
			y1, y2 = y(e.from), y(e.to)
		}
		title := e.from + " → " + e.to
		if e.label != "" {
			title += ": " + e.label
		}
		w.el("line", title, "x1", x1, "y1", y1, "x2", x2, "y2", y2-6, "stroke", "currentColor", "stroke-width", 1.5)
		arrowHead(&w, x1, y1, x2, y2)
		if e.label != "" {
			// A third of the way from the source: edges that meet at one
			// node keep their labels apart.
			mx, my := x1+(x2-x1)/3, y1+(y2-y1)/3
			// On the outer side of the line: left of an edge that goes
			// right, right of one that goes left or straight down.
			anchor, dx := "start", 6.0
			if x2 > x1 {
				anchor, dx = "end", -6
			}
			w.text(mx+dx, my+4, e.label, "fill", "currentColor", "font-size", 11, "text-anchor", anchor, "font-style", "italic")
		}
	}
	for _, e := range l.unordered {
		x1, y1, x2, y2 := x[e.from], y(e.from), x[e.to], y(e.to)
		title := e.from + " and " + e.to + ": unordered"
		if e.label != "" {
			title += " (" + e.label + ")"
		}
		w.el("line", title, "x1", x1, "y1", y1, "x2", x2, "y2", y2, "stroke", palette[3], "stroke-width", 2, "stroke-dasharray", "6 4")
		if e.label != "" {
			w.text((x1+x2)/2, (y1+y2)/2-6, e.label, "fill", palette[3], "font-size", 11, "text-anchor", "middle", "font-weight", "bold")
		}
	}
	for _, id := range l.ids {
		fill := palette[0]
		if ln := l.lane[id]; ln != "" {
			fill = colour[ln]
		}
		bw := boxW[id]
		w.el("rect", id, "x", x[id]-bw/2, "y", y(id)-graphNodeH/2, "width", bw, "height", graphNodeH, "rx", 6, "fill", fill)
		w.label(x[id], y(id)+4, l.label[id], graphMaxText, "fill", "#fff", "text-anchor", "middle")
	}
	if legendY > 0 {
		lx := 20.0
		if laned && len(l.edges) > 0 {
			w.el("line", "", "x1", lx, "y1", legendY+8, "x2", lx+26, "y2", legendY+8, "stroke", "currentColor", "stroke-width", 1.5)
			w.text(lx+32, legendY+12, "happens before (synchronisation)", "fill", "currentColor", "font-size", 11)
			lx += 240
		}
		if len(l.unordered) > 0 {
			w.el("line", "", "x1", lx, "y1", legendY+8, "x2", lx+26, "y2", legendY+8, "stroke", palette[3], "stroke-width", 2, "stroke-dasharray", "6 4")
			w.text(lx+32, legendY+12, "not ordered", "fill", "currentColor", "font-size", 11)
		}
	}
	return w.close()
}

// arrowHead draws a filled triangle at (x2, y2) pointing along the line from (x1, y1).
func arrowHead(w *svgWriter, x1, y1, x2, y2 float64) {
	a := math.Atan2(y2-y1, x2-x1)
	const size, spread = 9.0, 0.45
	p := func(ang float64) string {
		return num(x2-size*math.Cos(ang)) + "," + num(y2-size*math.Sin(ang))
	}
	w.el("path", "", "d", "M"+num(x2)+","+num(y2)+" L"+p(a-spread)+" L"+p(a+spread)+" Z", "fill", "currentColor")
}

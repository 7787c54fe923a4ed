package display

import (
	"strings"
	"sync"
	"testing"
)

// taskGraph is a small map-reduce: two loads, a map per chunk, one reduce.
func taskGraph() *Graph {
	g := NewGraph("word count as a task graph")
	for _, c := range []string{"a", "b"} {
		g.Node("load-"+c, "load chunk "+c)
		g.Node("count-"+c, "count words "+c)
		g.Edge("load-"+c, "count-"+c, "")
		g.Edge("count-"+c, "merge", "partial counts")
	}
	g.Edge("merge", "top10", "")
	return g
}

// messagePassing is the happens-before diagram of a send and a receive.
func messagePassing() *Graph {
	g := NewGraph("message passing")
	g.NodeIn("main", "w", "data = 42")
	g.NodeIn("main", "s", "ch <- true")
	g.NodeIn("reader", "r", "<-ch")
	g.NodeIn("reader", "u", "print(data)")
	g.NodeIn("racer", "x", "print(data)")
	g.Edge("s", "r", "send → receive")
	g.Unordered("w", "x", "data race")
	return g
}

func TestGraph(t *testing.T) {
	g := taskGraph()
	checkPicture(t, "graph-tasks", g)
	want := `word count as a task graph: 6 nodes, 5 edges
level 0: load-a, load-b
level 1: count-a, count-b
level 2: merge
level 3: top10
load-a -> count-a
count-a -> merge (partial counts)
load-b -> count-b
count-b -> merge (partial counts)
merge -> top10`
	if got := g.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	svg := g.SVG()
	if n := strings.Count(svg, "<rect"); n != 7 { // 6 boxes + the background
		t.Errorf("%d rects, want 7", n)
	}
	if n := strings.Count(svg, "<path"); n != 5 {
		t.Errorf("%d arrow heads, want 5", n)
	}
}

func TestGraphLanes(t *testing.T) {
	g := messagePassing()
	checkPicture(t, "graph-happens-before", g)
	got := g.String()
	// The receive is below the send; the reader's print below the receive.
	for _, line := range []string{"level 0: main:w, racer:x", "level 1: main:s", "level 2: reader:r", "level 3: reader:u", "s -> r (send → receive)", "w <-> x unordered (data race)"} {
		if !strings.Contains(got, line) {
			t.Errorf("String() has no %q:\n%s", line, got)
		}
	}
	svg := g.HTML()
	for _, s := range []string{">main<", ">reader<", ">racer<", ">data race<", "happens before (synchronisation)", "stroke-dasharray"} {
		if !strings.Contains(svg, s) {
			t.Errorf("HTML has no %q", s)
		}
	}
}

func TestGraphCycle(t *testing.T) {
	g := NewGraph("")
	g.Edge("a", "b", "")
	g.Edge("b", "a", "")
	g.Node("c", "")
	if got := g.String(); !strings.Contains(got, "not acyclic: a cycle runs through a, b") {
		t.Errorf("String() = %q", got)
	}
	if svg := g.SVG(); !strings.Contains(svg, "not acyclic") {
		t.Errorf("SVG does not say the graph has a cycle:\n%s", svg)
	}
	if svg := NewGraph("x").SVG(); !strings.Contains(svg, "empty graph") {
		t.Errorf("empty SVG = %s", svg)
	}
}

// Nodes and edges may be added from many goroutines (run with -race).
func TestGraphConcurrent(t *testing.T) {
	g := NewGraph("")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			id := string(rune('a' + i))
			g.Edge("root", id, "")
			_ = g.String()
		})
	}
	wg.Wait()
	if got := g.String(); !strings.HasPrefix(got, "9 nodes, 8 edges\nlevel 0: root\nlevel 1: ") {
		t.Errorf("String() = %q", got)
	}
}

package display_test

import "github.com/gopherlab/gopherlab/kernel/display"

// A wait-for graph: an arrow from a goroutine to the lock it waits for, and
// from a lock to the goroutine holding it. The graph finds the cycle.
func ExampleWaitForGraph() {
	g := &display.WaitForGraph{
		Nodes: []display.WaitNode{
			{ID: "g1", Kind: "goroutine"}, {ID: "a", Label: "a.mu", Kind: "lock"},
			{ID: "g2", Kind: "goroutine"}, {ID: "b", Label: "b.mu", Kind: "lock"},
		},
		Edges: []display.WaitEdge{
			{From: "g1", To: "b", Label: "waits for"}, {From: "b", To: "g2", Label: "held by"},
			{From: "g2", To: "a", Label: "waits for"}, {From: "a", To: "g1", Label: "held by"},
		},
	}
	g.Show()
	// Output:
	// g1 -> b.mu (waits for)
	// b.mu -> g2 (held by)
	// g2 -> a.mu (waits for)
	// a.mu -> g1 (held by)
	// cycle: g1 → b.mu → g2 → a.mu → g1
}

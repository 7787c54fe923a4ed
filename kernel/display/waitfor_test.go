package display

import (
	"slices"
	"testing"
)

func swapsWaitFor() *WaitForGraph {
	return &WaitForGraph{
		Title: "Wait-for graph of two swaps in opposite directions",
		Nodes: []WaitNode{
			{ID: "g1", Label: "swap(left, right)", Kind: "goroutine"},
			{ID: "R", Label: "right.mu", Kind: "lock"},
			{ID: "g2", Label: "swap(right, left)", Kind: "goroutine"},
			{ID: "L", Label: "left.mu", Kind: "lock"},
			{ID: "w", Label: "wg.Wait()", Kind: "goroutine"},
		},
		Edges: []WaitEdge{
			{From: "g1", To: "R", Label: "waits for"},
			{From: "R", To: "g2", Label: "held by"},
			{From: "g2", To: "L", Label: "waits for"},
			{From: "L", To: "g1", Label: "held by"},
			{From: "w", To: "g1", Label: "waits for"},
			{From: "w", To: "g2", Label: "waits for"},
		},
	}
}

func TestWaitForPicture(t *testing.T) {
	checkPicture(t, "waitfor-swaps", swapsWaitFor())
	checkPicture(t, "waitfor-no-cycle", &WaitForGraph{
		Nodes: []WaitNode{{ID: "gen", Kind: "goroutine"}, {ID: "ch", Label: "chan int", Kind: "channel"}, {ID: "sq", Kind: "goroutine"}},
		Edges: []WaitEdge{{From: "gen", To: "ch", Label: "sends"}, {From: "ch", To: "sq", Label: "receives"}},
	})
}

func TestWaitForCycle(t *testing.T) {
	for _, c := range []struct {
		name  string
		edges []WaitEdge
		want  []string
		red   []bool
	}{
		{"none", []WaitEdge{{From: "a", To: "b"}, {From: "b", To: "c"}}, nil, []bool{false, false}},
		{"two", []WaitEdge{{From: "a", To: "b"}, {From: "b", To: "a"}, {From: "c", To: "a"}}, []string{"a", "b"}, []bool{true, true, false}},
		{"later", []WaitEdge{{From: "a", To: "b"}, {From: "b", To: "c"}, {From: "c", To: "b"}}, []string{"b", "c"}, []bool{false, true, true}},
		{"self", []WaitEdge{{From: "c", To: "c"}}, []string{"c"}, []bool{true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := &WaitForGraph{Nodes: []WaitNode{{ID: "a"}, {ID: "b"}, {ID: "c"}}, Edges: c.edges}
			if got := g.Cycle(); !slices.Equal(got, c.want) {
				t.Errorf("Cycle() = %v, want %v", got, c.want)
			}
			if got := g.onCycle(); !slices.Equal(got, c.red) {
				t.Errorf("onCycle() = %v, want %v", got, c.red)
			}
		})
	}
}

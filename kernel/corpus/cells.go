package corpus

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// The modes: how a program becomes cells.
const (
	Whole    = "whole" // one cell: the program without its package clause
	Split    = "split" // one cell per top-level declaration, func main last
	Notebook = "cells" // ours only: the learner's cells (cell.CutCells)
	// Stress runs a program of ours as one cell (Whole), many rounds in
	// one session: main's variables are its own in every round, as they
	// are in every go run, while goroutines of earlier rounds may still
	// run beside it.
	Stress = "stress"
	// FullLoop runs the loop-variable programs as the learner's cells
	// (Notebook), 10,000 rounds in one session (the bench command).
	FullLoop = "loop10k"
)

// Cells returns the program as cells in a mode.
func (p *Program) Cells(mode string) ([]string, error) {
	switch mode {
	case Whole, Stress:
		return []string{WholeCell(p.Source)}, nil
	case Split:
		return SplitCells(p.Source)
	case Notebook, FullLoop:
		if p.Notebook == nil {
			return nil, fmt.Errorf("mode %s is for our corpus", mode)
		}
		return p.Notebook, nil
	}
	return nil, fmt.Errorf("no mode %q", mode)
}

// WholeCell is a program as one cell: its package clause blanked out (the
// lines stay, so that positions are the file's).
func WholeCell(src string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly)
	if err != nil {
		return src // the cell will say what is wrong with it
	}
	start, end := int(f.Package)-1, int(f.Name.End())-1
	return src[:start] + strings.Repeat(" ", end-start) + src[end:]
}

// SplitCells cuts a program into one cell per top-level declaration, in
// source order as far as a notebook allows: a cell cannot use what a later
// cell declares, while a Go package's declarations may refer to each other
// in any order. So a declaration moves down after the ones it uses, as
// little as it must (a stable topological order), and declarations that
// use each other (mutual recursion, a type and a method that needs it)
// share one cell. Imports come first; the init functions and then func
// main come last, as Go runs them after every package variable is set.
func SplitCells(src string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	type unit struct {
		text    string
		defines []string // top-level names; a method defines "T.M"
		recv    string   // a method's receiver type
		uses    map[string]bool
		order   int // 0 imports, 1 the rest, 2 init, 3 main
	}
	var units []*unit
	text := func(n ast.Node, doc *ast.CommentGroup) string {
		start := n.Pos()
		if doc != nil {
			start = doc.Pos()
		}
		return src[fset.Position(start).Offset:fset.Position(n.End()).Offset]
	}
	for _, d := range f.Decls {
		u := &unit{order: 1, uses: map[string]bool{}}
		switch d := d.(type) {
		case *ast.GenDecl:
			u.text = text(d, d.Doc)
			if d.Tok == token.IMPORT {
				u.order = 0
			}
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					u.defines = append(u.defines, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						u.defines = append(u.defines, n.Name)
					}
				}
			}
		case *ast.FuncDecl:
			u.text = text(d, d.Doc)
			switch {
			case d.Recv != nil && len(d.Recv.List) > 0:
				u.defines = cell.DeclNames(d) // "T.M"
				u.recv, _, _ = strings.Cut(u.defines[0], ".")
			case d.Name.Name == "init":
				u.order = 2
			case d.Name.Name == "main":
				u.order = 3
			default:
				u.defines = []string{d.Name.Name}
			}
		}
		ast.Inspect(d, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				u.uses[id.Name] = true
			}
			return true
		})
		units = append(units, u)
	}
	// Who defines what, and the methods of each type.
	def := map[string]int{}
	methods := map[string][]int{}
	for i, u := range units {
		for _, n := range u.defines {
			if n != "_" {
				def[n] = i
			}
		}
		if u.recv != "" {
			methods[u.recv] = append(methods[u.recv], i)
		}
	}
	// Edges: a unit needs the units that define the names it uses, and,
	// when it uses a type, that type's methods (a value may have to satisfy
	// an interface); a method needs its receiver's type only.
	needs := make([][]int, len(units))
	for i, u := range units {
		if u.order != 1 {
			continue // imports first; init and main last, they need it all
		}
		for name := range u.uses {
			j, ok := def[name]
			if !ok || j == i {
				continue // not top-level, or its own name (a type's methods come after it)
			}
			needs[i] = append(needs[i], j)
			if u.recv != name {
				needs[i] = append(needs[i], methods[name]...)
			}
		}
		if u.recv != "" {
			if j, ok := def[u.recv]; ok {
				needs[i] = append(needs[i], j)
			}
		}
	}
	comps := stronglyConnected(needs)
	// Order the components: imports, then the rest as early as their needs
	// allow, earliest in the source first; then init, then main.
	comp := make([]int, len(units))
	for c, members := range comps {
		for _, i := range members {
			comp[i] = c
		}
	}
	waiting := make([]int, len(comps)) // needs of a component not yet placed
	users := make([][]int, len(comps))
	for i := range units {
		seen := map[int]bool{}
		for _, j := range needs[i] {
			if cj := comp[j]; cj != comp[i] && !seen[cj] {
				seen[cj] = true
				waiting[comp[i]]++
				users[cj] = append(users[cj], comp[i])
			}
		}
	}
	key := func(c int) (int, int) { // order class, then first source position
		return units[comps[c][0]].order, comps[c][0]
	}
	var ready, placed []int
	for c := range comps {
		if waiting[c] == 0 {
			ready = append(ready, c)
		}
	}
	for len(ready) > 0 {
		slices.SortFunc(ready, func(a, b int) int {
			oa, sa := key(a)
			ob, sb := key(b)
			return cmp.Or(cmp.Compare(oa, ob), cmp.Compare(sa, sb))
		})
		c := ready[0]
		ready = ready[1:]
		placed = append(placed, c)
		for _, u := range users[c] {
			if waiting[u]--; waiting[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	var cells []string
	for _, c := range placed {
		var parts []string
		for _, i := range comps[c] {
			parts = append(parts, units[i].text)
		}
		cells = append(cells, strings.Join(parts, "\n\n"))
	}
	return cells, nil
}

// stronglyConnected returns the strongly connected components of a graph
// (Tarjan), each sorted in source order.
func stronglyConnected(edges [][]int) [][]int {
	n := len(edges)
	index := make([]int, n)
	low := make([]int, n)
	on := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	var comps [][]int
	next := 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		on[v] = true
		for _, w := range edges[v] {
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var c []int
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[w] = false
				c = append(c, w)
				if w == v {
					break
				}
			}
			slices.Sort(c)
			comps = append(comps, c)
		}
	}
	for v := range n {
		if index[v] < 0 {
			visit(v)
		}
	}
	return comps
}

// startsGoroutines says whether a program has a go statement or calls a
// function named Go (sync.WaitGroup.Go, errgroup.Group.Go) or AfterFunc.
func startsGoroutines(src string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			found = true
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Go" || sel.Sel.Name == "AfterFunc") {
				found = true
			}
		}
		return !found
	})
	return found
}

package cell

import (
	"go/ast"
	"go/token"
	"slices"
)

// orderPastedVars puts the var declarations of a cell that holds no other
// statement (a pasted program, a var block) in Go's
// initialisation order: a package-level variable is initialised after the
// variables its initialiser refers to, directly or through the functions
// it calls, and otherwise in declaration order. A notebook cell runs its
// statements in order; a program's var declarations may refer forward
// (var n = len(<-c); var c = ...).
//
// The references are found by name, not by type: a method counts as
// referenced when a selector with its name appears; a parameter or local
// variable is not a reference to a package-level variable of its name
// (the parser's resolution says which is which). Go's analysis is finer, so
// this order can put a variable later than Go does, never before one it
// needs.
func orderPastedVars(f *ast.File, body *ast.BlockStmt) {
	funcs := map[string][]*ast.FuncDecl{} // name -> functions and methods of that name
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name != bodyName {
			funcs[fd.Name.Name] = append(funcs[fd.Name.Name], fd)
		}
	}
	if body == nil {
		return
	}
	// One statement per variable spec.
	var vars []*ast.DeclStmt
	for _, st := range body.List {
		ds, ok := st.(*ast.DeclStmt)
		if !ok {
			return // a statement: not a program's file
		}
		gd := ds.Decl.(*ast.GenDecl)
		if gd.Tok != token.VAR {
			return
		}
		for _, sp := range gd.Specs {
			vars = append(vars, &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: gd.TokPos, Tok: token.VAR, Specs: []ast.Spec{sp}}})
		}
	}
	if len(vars) < 2 {
		return
	}
	declares := map[string]int{} // variable name -> index in vars
	for i, v := range vars {
		for _, id := range v.Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Names {
			declares[id.Name] = i
		}
	}
	// deps[i]: the variables that variable i's initialiser needs.
	funcRefs := map[*ast.FuncDecl]map[string]bool{}
	var refs func(n ast.Node, into map[string]bool, seen map[*ast.FuncDecl]bool)
	refs = func(n ast.Node, into map[string]bool, seen map[*ast.FuncDecl]bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			var name string
			switch x := m.(type) {
			case *ast.Ident:
				// A name declared inside n (a parameter, a local) is not
				// a package-level variable (the parser resolved it).
				if x.Obj != nil && x.Obj.Pos() >= n.Pos() && x.Obj.Pos() < n.End() {
					return true
				}
				name = x.Name
			case *ast.SelectorExpr:
				name = x.Sel.Name
			default:
				return true
			}
			into[name] = true
			for _, fd := range funcs[name] {
				if !seen[fd] {
					seen[fd] = true
					if funcRefs[fd] == nil {
						funcRefs[fd] = map[string]bool{}
						refs(fd, funcRefs[fd], seen)
					}
					for k := range funcRefs[fd] {
						into[k] = true
					}
				}
			}
			return true
		})
	}
	deps := make([]map[int]bool, len(vars))
	for i, v := range vars {
		names := map[string]bool{}
		vs := v.Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec)
		for _, x := range vs.Values {
			refs(x, names, map[*ast.FuncDecl]bool{})
		}
		deps[i] = map[int]bool{}
		for name := range names {
			if j, ok := declares[name]; ok && j != i {
				deps[i][j] = true
			}
		}
	}
	// Go's rule: repeatedly the earliest variable whose dependencies are
	// initialised. A cycle (which Go rejects) keeps declaration order.
	done := make([]bool, len(vars))
	var order []ast.Stmt
	for len(order) < len(vars) {
		picked := -1
		for i := range vars {
			if done[i] {
				continue
			}
			ready := true
			for j := range deps[i] {
				ready = ready && done[j]
			}
			if ready {
				picked = i
				break
			}
		}
		if picked < 0 {
			picked = slices.Index(done, false)
		}
		done[picked] = true
		order = append(order, vars[picked])
	}
	body.List = order
}

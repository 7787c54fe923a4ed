package cell

import (
	"go/ast"
	"go/types"
)

// refuseInexact refuses, before any rewrite, the constructs that yaegi runs
// with a wrong result and no error, and that no pass can rewrite:
//   - a type switch case that names a type parameter: yaegi matches it
//     against the wrong dynamic types (GOROOT's typeparam/typeswitch6 and
//     typeswitch7 print "myint" where Go prints "barT").
//   - runtime.Breakpoint: the trap kills the worker (SIGTRAP), and with it
//     the session; a program under go run dies the same way, not a cell.
func refuseInexact(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if f, ok := e.c.info.Uses[sel.Sel].(*types.Func); ok && f.Pkg() != nil && f.Pkg().Path() == "runtime" && f.Name() == "Breakpoint" {
				e.refuse(sel.Pos(), "runtime.Breakpoint stops the process with a trap, which would end the session")
			}
			return true
		}
		sw, ok := n.(*ast.TypeSwitchStmt)
		if !ok {
			return true
		}
		for _, st := range sw.Body.List {
			for _, expr := range st.(*ast.CaseClause).List {
				if t := e.c.info.TypeOf(expr); t != nil && hasTypeParam(t) {
					e.refuse(expr.Pos(), "a type switch case whose type uses a type parameter ("+types.ExprString(expr)+") picks the wrong case in the interpreter")
				}
			}
		}
		return true
	})
}

// refuseDeferredClosure refuses a deferred call that uses a closure made
// in the same function (d := func() {...}; defer d(), or defer once.Do(d),
// or defer func() { d() }()). yaegi v0.16.1 runs a function's deferred
// calls holding its frame's lock, and a closure made in that frame takes
// the same lock when it returns: the function never returns (the session
// reports a deadlock). A closure is recognised by the variable or field it
// is stored in (the objects assigned a function literal in the cell).
func refuseDeferredClosure(e *emitter, root ast.Node) {
	info := e.c.info
	objOf := func(x ast.Expr) types.Object {
		switch x := ast.Unparen(x).(type) {
		case *ast.Ident:
			return info.ObjectOf(x)
		case *ast.SelectorExpr:
			if sel := info.Selections[x]; sel != nil && sel.Kind() == types.FieldVal {
				return sel.Obj()
			}
			return info.ObjectOf(x.Sel)
		case *ast.IndexExpr:
			return nil
		}
		return nil
	}
	// made[obj]: the functions (*ast.FuncDecl or *ast.FuncLit) in which a
	// function literal stored in obj is made.
	made := map[types.Object]map[ast.Node]bool{}
	var walk func(n ast.Node, fn ast.Node)
	walk = func(n ast.Node, fn ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			store := func(lhs ast.Expr, rhs ast.Expr) {
				if _, ok := ast.Unparen(rhs).(*ast.FuncLit); !ok {
					return
				}
				if obj := objOf(lhs); obj != nil {
					if made[obj] == nil {
						made[obj] = map[ast.Node]bool{}
					}
					made[obj][fn] = true
				}
			}
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body != nil && n != fn {
					walk(n.Body, n)
					return false
				}
			case *ast.FuncLit:
				if n != fn {
					walk(n.Body, n)
					return false
				}
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i := range n.Lhs {
						store(n.Lhs[i], n.Rhs[i])
					}
				}
			case *ast.ValueSpec:
				if len(n.Names) == len(n.Values) {
					for i := range n.Names {
						store(n.Names[i], n.Values[i])
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok {
					store(id, n.Value)
				}
			}
			return true
		})
	}
	walk(root, root)
	if len(made) == 0 {
		return
	}
	// The defer statements of each function, and what they use.
	var check func(n ast.Node, fn ast.Node)
	check = func(n ast.Node, fn ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body != nil && n != fn {
					check(n.Body, n)
					return false
				}
			case *ast.FuncLit:
				if n != fn {
					check(n.Body, n)
					return false
				}
			case *ast.DeferStmt:
				var used ast.Expr
				ast.Inspect(n.Call, func(m ast.Node) bool {
					if x, ok := m.(ast.Expr); ok && used == nil {
						if obj := objOf(x); obj != nil && made[obj][fn] {
							used = x
						}
					}
					return used == nil
				})
				if used != nil {
					e.refuse(n.Pos(), "a deferred call that uses the closure "+types.ExprString(used)+", made in the same function, never returns in the interpreter (the frame is locked while deferred calls run); declare the closure as a function, or defer it from another function")
				}
			}
			return true
		})
	}
	check(root, root)
}

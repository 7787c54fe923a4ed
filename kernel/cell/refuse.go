package cell

import (
	"go/ast"
	"go/types"
	"strings"
)

// refuseInexact refuses, before any rewrite, the constructs that yaegi runs
// with a wrong result and no error, and that no pass can rewrite:
//   - a type switch case that names a type parameter: yaegi matches it
//     against the wrong dynamic types (GOROOT's typeparam/typeswitch6 and
//     typeswitch7 print "myint" where Go prints "barT");
//   - outside generic code, a type assertion x.(T), or a case T of a type
//     switch that pass typeSwitch makes one (not on a cell's interface,
//     which yaegi switches on right), where T has the same underlying type
//     as another type declared in a cell: yaegi v0.16.1 cannot tell them
//     apart (v.(T) is true for a U with the same fields, v.(myint) for an
//     int, v.(struct{ X int }) for a T);
//   - runtime.Breakpoint: the trap kills the worker (SIGTRAP), and with it
//     the session; a program under go run dies the same way, not a cell.
//
// Passes ifaceAssert and ifacesEqual refuse their own cases (assertions to
// interface types, == of interfaces, methodless non-struct types:
// refuse_plain.go).
func refuseInexact(e *emitter, root ast.Node) {
	e.scanFlows() // before the passes rewrite the cell (refuse_plain.go)
	ast.Inspect(root, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if f, ok := e.c.info.Uses[sel.Sel].(*types.Func); ok && f.Pkg() != nil && f.Pkg().Path() == "runtime" && f.Name() == "Breakpoint" {
				e.refuse(sel.Pos(), "runtime.Breakpoint stops the process with a trap, which would end the session")
			}
			return true
		}
		if ta, ok := n.(*ast.TypeAssertExpr); ok && ta.Type != nil {
			xt, t := e.c.info.TypeOf(ta.X), e.c.info.TypeOf(ta.Type)
			if xt == nil || t == nil || hasTypeParam(xt) || hasTypeParam(t) || generated(ta) {
				return true // generic code: monomorphize's copies test their own way
			}
			if why := e.inexactCase(xt, t); why != "" {
				e.refuse(ta.Pos(), "the type assertion "+types.ExprString(ta)+" can be wrong in the interpreter ("+why+")")
			}
			return true
		}
		sw, ok := n.(*ast.TypeSwitchStmt)
		if !ok {
			return true
		}
		if cellInterface(e, e.c.info.TypeOf(operandOf(sw))) && !hasNilCase(e.c.info, sw) && !hasIfaceCase(e.c.info, sw) {
			return true // yaegi is right there; pass typeSwitch leaves it
		}
		for _, st := range sw.Body.List {
			for _, expr := range st.(*ast.CaseClause).List {
				t := e.c.info.TypeOf(expr)
				if t != nil && hasTypeParam(t) {
					e.refuse(expr.Pos(), "a type switch case whose type uses a type parameter ("+types.ExprString(expr)+") picks the wrong case in the interpreter")
				} else if t != nil && !e.c.info.Types[expr].IsNil() && !generated(expr) {
					if why := e.inexactCase(e.c.info.TypeOf(operandOf(sw)), t); why != "" {
						e.refuse(expr.Pos(), "a type switch case "+types.ExprString(expr)+" picks the wrong case in the interpreter ("+why+")")
					}
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

// inexactCase says why a comma-ok assertion from the operand type xt to
// the type t can be wrong in the interpreter, "" when it is right as far as
// we know (see refuseInexact).
func (e *emitter) inexactCase(xt, t types.Type) string {
	if types.IsInterface(t) {
		return ""
	}
	elem := t
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		elem = p.Elem()
	}
	n, _ := types.Unalias(elem).(*types.Named)
	if _, ok := types.Unalias(elem).(*types.Struct); !ok && (n == nil || n.Obj().Pkg() != e.c.pkg) {
		// int or string against a cell's type with that underlying type
		// is as wrong, but yaegi's own programs rely on it (GOROOT's
		// ken/interbasic): not refused.
		return ""
	}
	scope := e.c.pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() || (n != nil && tn == n.Obj()) || types.IsInterface(tn.Type()) {
			continue
		}
		if types.Identical(tn.Type().Underlying(), elem.Underlying()) {
			return "it cannot tell " + types.TypeString(elem, types.RelativeTo(e.c.pkg)) + " from " + tn.Name() + ", which has the same underlying type"
		}
	}
	return ""
}

// operandOf returns x of a type switch on x.(type).
func operandOf(sw *ast.TypeSwitchStmt) ast.Expr {
	_, x := switchParts(sw)
	return x
}

// switchParts returns the variable a type switch binds (nil without one)
// and its operand x of x.(type).
func switchParts(sw *ast.TypeSwitchStmt) (bind *ast.Ident, operand ast.Expr) {
	switch a := sw.Assign.(type) {
	case *ast.AssignStmt:
		return a.Lhs[0].(*ast.Ident), a.Rhs[0].(*ast.TypeAssertExpr).X
	case *ast.ExprStmt:
		return nil, a.X.(*ast.TypeAssertExpr).X
	}
	return nil, nil
}

// generated reports whether x mentions a name the front end made (_gl_...).
func generated(x ast.Expr) bool {
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && strings.HasPrefix(id.Name, "_gl_") {
			found = true
		}
		return !found
	})
	return found
}

// cellInterface reports whether t is a non-empty interface type declared in
// a cell.
func cellInterface(e *emitter, t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && types.IsInterface(t) && n.Obj().Pkg() == e.c.pkg && !t.Underlying().(*types.Interface).Empty()
}

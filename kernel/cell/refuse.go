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
//     int, v.(struct{ X int }) for a T).
func refuseInexact(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
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
		if cellInterface(e, e.c.info.TypeOf(operandOf(sw))) && !hasNilCase(e.c.info, sw) {
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
	switch a := sw.Assign.(type) {
	case *ast.AssignStmt:
		return a.Rhs[0].(*ast.TypeAssertExpr).X
	case *ast.ExprStmt:
		return a.X.(*ast.TypeAssertExpr).X
	}
	return nil
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

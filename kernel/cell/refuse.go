package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// refuseInexact refuses, before any rewrite, the constructs that yaegi runs
// with a wrong result and no error, and that no pass can rewrite:
//   - a type switch case that names a type parameter: yaegi matches it
//     against the wrong dynamic types (GOROOT's typeparam/typeswitch6 and
//     typeswitch7 print "myint" where Go prints "barT");
//   - outside generic code, a type switch case that pass typeSwitch cannot
//     test with a comma-ok assertion, because yaegi v0.16.1 answers those
//     wrongly too: a non-empty interface type (v.(I) is false for a
//     pointer whose type has value methods, true for a value whose type
//     has pointer methods, false for a compiled value and a cell's
//     interface), a struct type literal, a type with the same underlying
//     type as a type declared in a cell (v.(T) is true for a U with the
//     same fields, v.(myint) for an int), and a cell's type (not a
//     pointer) when the operand is a compiled interface other than error
//     (fmt.Stringer, io.Reader: the value is yaegi's wrapper);
//   - == and != between an interface and a value of a cell's type with
//     methods (var i I = myint(5); i == myint(5) is false, also through
//     any(...)), or a value whose type has the same underlying type as a
//     cell's type (any(myint(5)) == 5 is true), and between two values of
//     a non-empty interface type declared in a cell (i == j is false).
//     Sentinel errors (err == io.EOF, err == ErrX) compare right.
func refuseInexact(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		if b, ok := n.(*ast.BinaryExpr); ok && (b.Op == token.EQL || b.Op == token.NEQ) {
			if why := e.inexactCompare(b); why != "" {
				e.refuse(b.OpPos, "the comparison "+types.ExprString(b)+" can be wrong in the interpreter ("+why+")")
			}
			return true
		}
		if ta, ok := n.(*ast.TypeAssertExpr); ok && ta.Type != nil {
			xt, t := e.c.info.TypeOf(ta.X), e.c.info.TypeOf(ta.Type)
			if xt == nil || t == nil || hasTypeParam(xt) || hasTypeParam(t) || generated(ta.X) {
				return true // generic code: monomorphize's copies test their own way
			}
			if types.IsInterface(t) && t.Underlying().(*types.Interface).Empty() {
				e.refuse(ta.Pos(), "a type assertion to an empty interface ("+types.ExprString(ta)+") is false in the interpreter")
			} else if why := e.inexactCase(xt, t); why != "" {
				e.refuse(ta.Pos(), "the type assertion "+types.ExprString(ta)+" can be wrong in the interpreter ("+why+")")
			}
			return true
		}
		sw, ok := n.(*ast.TypeSwitchStmt)
		if !ok {
			return true
		}
		for _, st := range sw.Body.List {
			for _, expr := range st.(*ast.CaseClause).List {
				t := e.c.info.TypeOf(expr)
				if t != nil && hasTypeParam(t) {
					e.refuse(expr.Pos(), "a type switch case whose type uses a type parameter ("+types.ExprString(expr)+") picks the wrong case in the interpreter")
				} else if t != nil && !e.c.info.Types[expr].IsNil() {
					if why := e.inexactCase(e.c.info.TypeOf(operandOf(sw)), t); why != "" {
						e.refuse(expr.Pos(), "a type switch case "+types.ExprString(expr)+" picks the wrong case in the interpreter ("+why+")")
					}
				}
			}
		}
		return true
	})
}

// inexactCase says why the interpreter cannot tell whether a value of the
// operand type xt has the type t of a type switch case, "" when it can
// (see refuseInexact).
func (e *emitter) inexactCase(xt, t types.Type) string {
	if types.IsInterface(t) {
		if t.Underlying().(*types.Interface).Empty() {
			return ""
		}
		// v.(I) is right only for compiled values and compiled interfaces
		// seen through an empty interface.
		if !types.IsInterface(xt) || !xt.Underlying().(*types.Interface).Empty() {
			return "it does not know which values implement an interface type, unless the operand is an any"
		}
		if n, ok := types.Unalias(t).(*types.Named); !ok || n.Obj().Pkg() == e.c.pkg {
			return "it does not know which of the cells' values implement an interface type declared in a cell"
		}
		scope := e.c.pkg.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) {
				continue
			}
			if types.Implements(types.NewPointer(tn.Type()), t.Underlying().(*types.Interface)) {
				return "it does not know whether a value of " + tn.Name() + " or *" + tn.Name() + " implements it"
			}
		}
		return ""
	}
	if _, ok := types.Unalias(t).(*types.Struct); ok {
		return "it confuses a struct type literal with the types that have the same fields"
	}
	elem := t
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		elem = p.Elem()
	}
	n, _ := types.Unalias(elem).(*types.Named)
	if n != nil && n.Obj().Pkg() == e.c.pkg && elem == t {
		if x, ok := types.Unalias(xt).(*types.Named); ok && x.Obj().Pkg() != nil && x.Obj().Pkg() != e.c.pkg && !types.Identical(xt, types.Universe.Lookup("error").Type()) {
			return "a value of a cell's type in a " + x.Obj().Pkg().Name() + "." + x.Obj().Name() + " does not come back out by its type"
		}
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

// inexactCompare says why x == y (or !=) can be wrong in the interpreter,
// "" when it is right (see refuseInexact).
func (e *emitter) inexactCompare(b *ast.BinaryExpr) string {
	info := e.c.info
	xt, yt := info.TypeOf(b.X), info.TypeOf(b.Y)
	if xt == nil || yt == nil || info.Types[b.X].IsNil() || info.Types[b.Y].IsNil() {
		return ""
	}
	if !types.IsInterface(xt) && !types.IsInterface(yt) {
		return ""
	}
	for _, t := range []types.Type{xt, yt} {
		if n, ok := types.Unalias(t).(*types.Named); ok && types.IsInterface(t) && n.Obj().Pkg() == e.c.pkg && !t.Underlying().(*types.Interface).Empty() {
			return "it compares the values of an interface type declared in a cell wrongly"
		}
	}
	for _, x := range []ast.Expr{b.X, b.Y} {
		// The concrete value, also inside conversions to interface types.
		for {
			call, ok := ast.Unparen(x).(*ast.CallExpr)
			if !ok || len(call.Args) != 1 || !info.Types[call.Fun].IsType() || !types.IsInterface(info.TypeOf(call.Fun)) {
				break
			}
			x = call.Args[0]
		}
		t := info.TypeOf(x)
		if t == nil || types.IsInterface(t) || info.Types[x].IsNil() {
			continue
		}
		if isSessionType(t) || isSessionPointer(t) {
			if types.NewMethodSet(t).Len() > 0 {
				return "an interface holding a value of a cell's type with methods is not equal to that value"
			}
		}
		scope := e.c.pkg.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) || types.Identical(tn.Type(), t) {
				continue
			}
			if types.Identical(tn.Type().Underlying(), t.Underlying()) {
				return "in an interface it cannot tell " + types.TypeString(t, types.RelativeTo(e.c.pkg)) + " from " + tn.Name() + ", which has the same underlying type"
			}
		}
	}
	return ""
}

// isSessionPointer reports whether t is a pointer to a type declared in a cell.
func isSessionPointer(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && isSessionType(p.Elem())
}

package cell

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass typeSwitch: yaegi v0.16.1 picks the wrong case of a type switch,
// with no error, in the commonest shapes: a case of a cell's type never
// matches when the operand is a compiled interface (switch e :=
// err.(type) { case *MyErr: } takes default), nor with a bound variable
// and an operand of type any; case nil misses a nil cell interface; an
// interface case (error, fmt.Stringer, any, a cell's interface) never
// matches. Comma-ok assertions to concrete types are right, so a type
// switch (outside generic code, which pass monomorphize rewrites) becomes
// a chain of them:
//
//	switch x := e.(type) { case *A: S1; case B, nil: S2; case any: S3; default: S4 }
//	->
//	switch _gl_ts1 := e; {
//	case _gl_ts1 != nil && func() bool { _, ok := _gl_ts1.(*A); return ok }(): x := _gl_ts1.(*A); _ = x; S1
//	case _gl_ts1 != nil && func() bool { ... B ... }() || _gl_ts1 == nil:     x := _gl_ts1; _ = x; S2
//	case _gl_ts1 != nil:                                    x := any(_gl_ts1); _ = x; S3
//	default:                                                x := _gl_ts1; _ = x; S4
//	}
//
// A type switch on a value of a cell's interface type without case nil
// and without interface cases stays: yaegi gets it right. Interface cases
// become assertions that pass ifaceAssert makes exact. The cases that comma-ok assertions get wrong too are refused
// before (refuseInexact): types with the same underlying type as a cell's
// type.
var passTypeSwitch = pass{"typeSwitch", func(e *emitter, root ast.Node) {
	blocks := map[ast.Stmt]bool{} // type switches with an init statement, now blocks
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.TypeSwitchStmt:
			if r := e.typeSwitchChain(n); r != nil {
				if n.Init != nil {
					blocks[r] = true
				}
				c.Replace(r)
			}
		case *ast.LabeledStmt:
			// A labeled type switch with an init statement became a block:
			// the label goes on the switch inside.
			if b, ok := n.Stmt.(*ast.BlockStmt); ok && blocks[b] {
				b.List[1] = &ast.LabeledStmt{Label: n.Label, Colon: n.Colon, Stmt: b.List[1]}
				c.Replace(b)
			}
		}
		return true
	})
}}

// typeSwitchChain rewrites a type switch that the type checker saw (not a
// generic copy) into a switch on comma-ok assertions; nil when it cannot.
func (e *emitter) typeSwitchChain(sw *ast.TypeSwitchStmt) ast.Stmt {
	info := e.c.info
	bind, operand := switchParts(sw)
	if info.TypeOf(operand) == nil {
		return nil // a copy of generic code
	}
	if cellInterface(e, info.TypeOf(operand)) && !hasNilCase(info, sw) && !hasIfaceCase(info, sw) {
		return nil // yaegi switches on a cell's interface right, but for case nil and interface cases
	}
	for _, st := range sw.Body.List {
		list := st.(*ast.CaseClause).List
		for _, ex := range list {
			t := info.TypeOf(ex)
			if t == nil {
				return nil
			}
		}
	}
	v := e.newName("ts")
	vid := func() *ast.Ident { return &ast.Ident{NamePos: sw.Pos(), Name: v} }
	out := &ast.SwitchStmt{Switch: sw.Switch, Init: &ast.AssignStmt{Lhs: []ast.Expr{vid()}, TokPos: sw.Pos(), Tok: token.DEFINE, Rhs: []ast.Expr{operand}}, Body: &ast.BlockStmt{Lbrace: sw.Body.Lbrace, Rbrace: sw.Body.Rbrace}}
	for _, st := range sw.Body.List {
		cc := st.(*ast.CaseClause)
		var cond ast.Expr
		or := func(x ast.Expr) {
			if cond == nil {
				cond = x
			} else {
				cond = &ast.BinaryExpr{X: cond, OpPos: x.Pos(), Op: token.LOR, Y: x}
			}
		}
		var val ast.Expr = vid() // what x is bound to
		for _, ex := range cc.List {
			t := info.TypeOf(ex)
			switch {
			case info.Types[ex].IsNil():
				or(&ast.BinaryExpr{X: vid(), OpPos: ex.Pos(), Op: token.EQL, Y: &ast.Ident{NamePos: ex.Pos(), Name: "nil"}})
			case types.IsInterface(t) && t.Underlying().(*types.Interface).Empty():
				// v.(any) is false in yaegi.
				or(&ast.BinaryExpr{X: vid(), OpPos: ex.Pos(), Op: token.NEQ, Y: &ast.Ident{NamePos: ex.Pos(), Name: "nil"}})
				if len(cc.List) == 1 {
					val = &ast.CallExpr{Fun: &ast.Ident{NamePos: ex.Pos(), Name: "any"}, Lparen: ex.Pos(), Args: []ast.Expr{vid()}, Rparen: ex.Pos()}
				}
			case isValueError(t):
				// Pass errorValue made error values of T *T; T still matches.
				ts, xs := e.typeString(t), e.typeString(info.TypeOf(operand))
				or(parseExpr(v + " != nil && func(x " + xs + ") bool { if _, ok := x.(*" + ts + "); ok { return true }; _, ok := x.(" + ts + "); return ok }(" + v + ")"))
				if len(cc.List) == 1 {
					val = parseExpr("func(x " + xs + ") " + ts + " { if p, ok := x.(*" + ts + "); ok { return *p }; return x.(" + ts + ") }(" + v + ")")
				}
			default:
				// v.(T) on a nil interface can crash yaegi: nil matches no type.
				test := parseExpr(v + " != nil && func() bool { _, ok := " + v + ".(_gl_T); return ok }()")
				setPos(test, ex.Pos())
				ast.Inspect(test, func(x ast.Node) bool {
					if ta, ok := x.(*ast.TypeAssertExpr); ok {
						ta.Type = ex
					}
					return true
				})
				or(test)
				if len(cc.List) == 1 {
					val = &ast.TypeAssertExpr{X: vid(), Lparen: ex.Pos(), Type: ex, Rparen: ex.End()}
				}
			}
		}
		var body []ast.Stmt
		if bind != nil && len(cc.List) == 1 && info.TypeOf(cc.List[0]) != nil && types.IsInterface(info.TypeOf(cc.List[0])) && !info.TypeOf(cc.List[0]).Underlying().(*types.Interface).Empty() {
			// x := v.(I), which pass ifaceAssert makes exact.
			x := &ast.Ident{NamePos: bind.Pos(), Name: bind.Name}
			body = append(body,
				&ast.AssignStmt{Lhs: []ast.Expr{x}, TokPos: cc.Colon, Tok: token.DEFINE, Rhs: []ast.Expr{&ast.TypeAssertExpr{X: vid(), Lparen: cc.List[0].Pos(), Type: cc.List[0], Rparen: cc.List[0].End()}}},
				parseStmt("_ = "+bind.Name))
		} else if bind != nil {
			x := &ast.Ident{NamePos: bind.Pos(), Name: bind.Name}
			body = append(body,
				&ast.AssignStmt{Lhs: []ast.Expr{x}, TokPos: cc.Colon, Tok: token.DEFINE, Rhs: []ast.Expr{val}},
				&ast.AssignStmt{Lhs: []ast.Expr{&ast.Ident{NamePos: cc.Colon, Name: "_"}}, TokPos: cc.Colon, Tok: token.ASSIGN, Rhs: []ast.Expr{&ast.Ident{NamePos: cc.Colon, Name: bind.Name}}})
		}
		body = append(body, cc.Body...)
		nc := &ast.CaseClause{Case: cc.Case, Colon: cc.Colon, Body: body}
		if cc.List != nil {
			nc.List = []ast.Expr{cond}
		}
		out.Body.List = append(out.Body.List, nc)
	}
	if sw.Init != nil {
		return &ast.BlockStmt{Lbrace: sw.Pos(), List: []ast.Stmt{sw.Init, out}, Rbrace: sw.End()}
	}
	return out
}

// Pass ifaceEqual: yaegi v0.16.1 finds an interface holding a value of a
// cell's type with methods unequal to that value (var i I = myint(5);
// i == myint(5) is false, also any(i) == any(myint(5))). A comma-ok
// assertion to the concrete type is right (refuseInexact refuses the types
// it confuses), so:
//
//	i == y  ->  func(a I, b T) bool { c := a; v, ok := c.(T); return ok && v == b }(i, y)
//
// (!= negated; operands keep their order; conversions of y to an interface
// type are dropped). The copy c is needed: yaegi's assertion on the
// parameter itself fails when the argument is a call returning an unnamed
// interface type (h(x) of a func h(x I) interface{ foo() }).
var passIfaceEqual = pass{"ifaceEqual", func(e *emitter, root ast.Node) {
	info := e.c.info
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		b, ok := c.Node().(*ast.BinaryExpr)
		if !ok || (b.Op != token.EQL && b.Op != token.NEQ) {
			return true
		}
		xt, yt := info.TypeOf(b.X), info.TypeOf(b.Y)
		if xt == nil || yt == nil || info.Types[b.X].IsNil() || info.Types[b.Y].IsNil() || hasTypeParam(xt) || hasTypeParam(yt) {
			return true
		}
		left := true // the interface is on the left
		iface, other := b.X, b.Y
		if !types.IsInterface(xt) {
			left, iface, other = false, b.Y, b.X
		}
		it := info.TypeOf(iface)
		if !types.IsInterface(it) {
			return true
		}
		// The concrete value, also inside conversions to interface types.
		for {
			call, ok := ast.Unparen(other).(*ast.CallExpr)
			if !ok || len(call.Args) != 1 || !info.Types[call.Fun].IsType() || !types.IsInterface(info.TypeOf(call.Fun)) {
				break
			}
			other = call.Args[0]
		}
		t := info.TypeOf(other)
		if t == nil || types.IsInterface(t) || info.Types[other].IsNil() || hasTypeParam(t) || !isSessionType(t) || types.NewMethodSet(t).Len() == 0 || isValueError(t) || !types.Comparable(t) {
			return true
		}
		if !types.AssertableTo(it.Underlying().(*types.Interface), t) || !types.Implements(t, it.Underlying().(*types.Interface)) {
			return true
		}
		is, ts := e.typeString(it), e.typeString(t)
		var lit string
		args := []ast.Expr{iface, other}
		if left {
			lit = "func(a " + is + ", b " + ts + ") bool { c := a; v, ok := c.(" + ts + "); return ok && v == b }"
		} else {
			lit = "func(b " + ts + ", a " + is + ") bool { c := a; v, ok := c.(" + ts + "); return ok && v == b }"
			args = []ast.Expr{other, iface}
		}
		fn := parseExpr(lit)
		setPos(fn, b.OpPos)
		var r ast.Expr = &ast.CallExpr{Fun: fn, Lparen: b.OpPos, Args: args, Rparen: b.OpPos}
		if b.Op == token.NEQ {
			r = &ast.UnaryExpr{OpPos: b.OpPos, Op: token.NOT, X: r}
		}
		c.Replace(r)
		return true
	})
}}

// hasNilCase reports whether a type switch has a case nil.
func hasNilCase(info *types.Info, sw *ast.TypeSwitchStmt) bool {
	for _, st := range sw.Body.List {
		for _, ex := range st.(*ast.CaseClause).List {
			if info.Types[ex].IsNil() {
				return true
			}
		}
	}
	return false
}

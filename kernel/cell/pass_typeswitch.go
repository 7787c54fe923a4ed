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
// The cases that comma-ok assertions get wrong too are refused before
// (refuseInexact): most non-empty interface types, struct type literals,
// types with the same underlying type as a cell's type.
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
	var bind *ast.Ident
	var operand ast.Expr
	switch a := sw.Assign.(type) {
	case *ast.AssignStmt:
		bind = a.Lhs[0].(*ast.Ident)
		operand = a.Rhs[0].(*ast.TypeAssertExpr).X
	case *ast.ExprStmt:
		operand = a.X.(*ast.TypeAssertExpr).X
	}
	if info.TypeOf(operand) == nil {
		return nil // a copy of generic code
	}
	for _, st := range sw.Body.List {
		for _, ex := range st.(*ast.CaseClause).List {
			if info.TypeOf(ex) == nil {
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
		if bind != nil {
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

package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass selectStmt: in yaegi v0.16.1, goroutines that run the same select
// statement share its internal state (a fan-in through select duplicates
// or loses values), and a labeled break directly inside a select case does
// not leave the loop. Every select becomes a switch over cellrt.Select, a
// compiled helper over reflect.Select:
//
//	select {
//	case v, ok := <-in: A
//	case out <- x:      B
//	default:            C
//	}
//
// becomes
//
//	switch _gl_c, _gl_v, _gl_ok := cellrt.Select([]cellrt.SelectCase{{Dir: 1, Chan: in}, {Dir: 2, Chan: out, Send: x}}, true); _gl_c {
//	case 0: v, _ := _gl_v.(T); ok := _gl_ok; A
//	case 1: B
//	default: C
//	}
//
// Channels and sent values are evaluated once, in source order, as Go does;
// break in a case still leaves the switch as it left the select.
//
// `select {}` becomes the call alone, `cellrt.Select(nil, false)`, which
// blocks for good in compiled code (yaegi skips a switch without cases, init
// statement and all, so `select {}` would return at once). The session's
// deadlock watcher sees a goroutine blocked there, and an interrupt ends a
// cell that waits there.
var passSelect = pass{"select", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		sel, ok := c.Node().(*ast.SelectStmt)
		if !ok {
			return true
		}
		if r := e.rewriteSelect(sel); r != nil {
			c.Replace(r)
		}
		return true
	})
}}

func (e *emitter) rewriteSelect(sel *ast.SelectStmt) ast.Stmt {
	rt := e.importAlias(RuntimePath, "cellrt")
	if len(sel.Body.List) == 0 {
		return &ast.ExprStmt{X: &ast.CallExpr{Fun: parseExpr(rt + ".Select"), Args: []ast.Expr{ast.NewIdent("nil"), ast.NewIdent("false")}}}
	}
	chosen, val, ok := e.newName("c"), e.newName("v"), e.newName("ok")
	var elts []ast.Expr
	var clauses []ast.Stmt
	hasDefault := false
	for _, st := range sel.Body.List {
		cc := st.(*ast.CommClause)
		body := cc.Body
		if cc.Comm == nil {
			hasDefault = true
			clauses = append(clauses, &ast.CaseClause{Body: body})
			continue
		}
		idx := len(elts)
		caseExpr := []ast.Expr{&ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(idx)}}
		var pre []ast.Stmt
		switch s := cc.Comm.(type) {
		case *ast.SendStmt:
			elts = append(elts, e.selectCase(rt, 2, s.Chan, s.Value))
		case *ast.ExprStmt: // <-ch
			elts = append(elts, e.selectCase(rt, 1, recvChan(s.X), nil))
		case *ast.AssignStmt: // v := <-ch, v, ok = <-ch
			ch := recvChan(s.Rhs[0])
			elts = append(elts, e.selectCase(rt, 1, ch, nil))
			elem := e.chanElem(ch)
			if elem == nil {
				return nil
			}
			tmp := e.newName("t")
			// _gl_t, _ := _gl_v.(T): the zero value when the channel is closed.
			pre = append(pre, &ast.AssignStmt{
				Lhs: []ast.Expr{ast.NewIdent(tmp), ast.NewIdent("_")},
				Tok: token.DEFINE,
				Rhs: []ast.Expr{&ast.TypeAssertExpr{X: ast.NewIdent(val), Type: e.typeExpr(elem)}},
			})
			rhs := []ast.Expr{ast.NewIdent(tmp)}
			if len(s.Lhs) == 2 {
				rhs = append(rhs, ast.NewIdent(ok))
			}
			lhs := s.Lhs
			if s.Tok == token.DEFINE {
				// Drop blank names: "_ := x" is not Go.
				var l, r []ast.Expr
				for i, x := range lhs {
					if !isBlank(x) {
						l, r = append(l, x), append(r, rhs[i])
					}
				}
				lhs, rhs = l, r
			}
			if len(lhs) > 0 {
				pre = append(pre, &ast.AssignStmt{Lhs: lhs, Tok: s.Tok, Rhs: rhs})
			}
			pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(tmp)}})
		default:
			return nil
		}
		clauses = append(clauses, &ast.CaseClause{List: caseExpr, Body: append(pre, body...)})
	}
	var call *ast.CallExpr
	if n := len(elts); n >= 1 && n <= 4 {
		// Select1..Select4: the cases as arguments.
		args := []ast.Expr{ast.NewIdent(strconv.FormatBool(hasDefault))}
		for _, el := range elts {
			for _, kv := range el.(*ast.CompositeLit).Elts {
				args = append(args, kv.(*ast.KeyValueExpr).Value)
			}
			if len(el.(*ast.CompositeLit).Elts) == 2 {
				args = append(args, ast.NewIdent("nil"))
			}
		}
		call = &ast.CallExpr{Fun: parseExpr(rt + ".Select" + strconv.Itoa(n)), Args: args}
	} else {
		call = &ast.CallExpr{
			Fun: parseExpr(rt + ".Select"),
			Args: []ast.Expr{
				&ast.CompositeLit{Type: parseExpr("[]" + rt + ".SelectCase"), Elts: elts},
				ast.NewIdent(strconv.FormatBool(hasDefault)),
			},
		}
	}
	init := &ast.AssignStmt{
		Lhs: []ast.Expr{ast.NewIdent(chosen), ast.NewIdent(val), ast.NewIdent(ok)},
		Tok: token.DEFINE,
		Rhs: []ast.Expr{call},
	}
	return &ast.SwitchStmt{Switch: sel.Select, Init: init, Tag: ast.NewIdent(chosen), Body: &ast.BlockStmt{List: clauses}}
}

func (e *emitter) selectCase(rt string, dir int, ch, send ast.Expr) ast.Expr {
	lit := &ast.CompositeLit{Elts: []ast.Expr{
		&ast.KeyValueExpr{Key: ast.NewIdent("Dir"), Value: &ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(dir)}},
		&ast.KeyValueExpr{Key: ast.NewIdent("Chan"), Value: ch},
	}}
	if send != nil {
		lit.Elts = append(lit.Elts, &ast.KeyValueExpr{Key: ast.NewIdent("Send"), Value: send})
	}
	return lit
}

func recvChan(x ast.Expr) ast.Expr {
	if u, ok := ast.Unparen(x).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u.X
	}
	return x
}

func (e *emitter) chanElem(ch ast.Expr) types.Type {
	tv, ok := e.c.info.Types[ch]
	if !ok {
		return nil
	}
	c, ok := tv.Type.Underlying().(*types.Chan)
	if !ok {
		return nil
	}
	return c.Elem()
}

// Pass returnRecv: `return <-ch` panics in yaegi v0.16.1. Each receive in
// a return statement is taken into a variable first:
//
//	return <-ch  ->  { _gl_r := <-ch; return _gl_r }
var passReturnRecv = pass{"returnRecv", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		ret, ok := c.Node().(*ast.ReturnStmt)
		if !ok {
			return true
		}
		var pre []ast.Stmt
		for i, r := range ret.Results {
			if u, ok := ast.Unparen(r).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				name := e.newName("r")
				pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE, Rhs: []ast.Expr{r}})
				ret.Results[i] = ast.NewIdent(name)
			}
		}
		if len(pre) > 0 {
			c.Replace(&ast.BlockStmt{List: append(pre, ret)})
		}
		return true
	})
}}

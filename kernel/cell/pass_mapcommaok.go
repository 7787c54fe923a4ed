package cell

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass mapCommaOk: yaegi v0.16.1 loses the value of a comma-ok form
// (x.(T), m2[k], <-ch) assigned to a map element: after
// `ret[k], ok = data[k].(string)` the map is still empty, ok is set, and
// nothing says so (GOROOT's fixedbugs/bug343.go). The two values go to
// fresh variables first, then to their destinations one by one:
//
//	ret[k], ok = data[k].(string)  ->  { _gl_v1, _gl_ok2 := data[k].(string); ret[k] = _gl_v1; ok = _gl_ok2 }
//
// (yaegi evaluates the right-hand side before the left-hand operands
// anyway, see multiAssign.)
var passMapCommaOk = pass{"mapCommaOk", func(e *emitter, root ast.Node) {
	isMapIndex := func(x ast.Expr) bool {
		ix, ok := ast.Unparen(x).(*ast.IndexExpr)
		if !ok {
			return false
		}
		_, ok = types.Unalias(under(e.c.info.TypeOf(ix.X))).(*types.Map)
		return ok
	}
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		as, ok := c.Node().(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 2 || len(as.Rhs) != 1 || c.Index() < 0 {
			return true
		}
		if _, ok := c.Parent().(*ast.LabeledStmt); ok {
			return true
		}
		if !isMapIndex(as.Lhs[0]) && !isMapIndex(as.Lhs[1]) {
			return true
		}
		switch r := ast.Unparen(as.Rhs[0]).(type) {
		case *ast.TypeAssertExpr:
		case *ast.IndexExpr:
			if !isMapIndex(r) {
				return true
			}
		case *ast.UnaryExpr:
			if r.Op != token.ARROW {
				return true
			}
		default:
			return true
		}
		if t := e.c.info.TypeOf(as.Lhs[1]); t != nil && !types.Identical(t, types.Typ[types.Bool]) && !isBlank(as.Lhs[1]) {
			return true // a named bool: := would give the temporary another type
		}
		v, okName := e.newName("v"), e.newName("ok")
		list := []ast.Stmt{&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(v), ast.NewIdent(okName)}, Tok: token.DEFINE, Rhs: as.Rhs}}
		if !isBlank(as.Lhs[0]) {
			list = append(list, &ast.AssignStmt{Lhs: []ast.Expr{as.Lhs[0]}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(v)}})
		} else {
			list = append(list, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(v)}})
		}
		list = append(list, &ast.AssignStmt{Lhs: []ast.Expr{as.Lhs[1]}, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(okName)}})
		c.Replace(&ast.BlockStmt{List: list})
		return true
	})
}}

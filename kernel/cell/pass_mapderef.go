package cell

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass mapDeref: yaegi v0.16.1 assigns `m[k] = *p` with p nil without
// panicking (and without storing anything): the cell goes on as if
// nothing happened, where Go panics with a nil dereference (GOROOT's
// fixedbugs/issue22881.go). The value is read into a variable first,
// which panics as in Go:
//
//	m[k] = *p  ->  { _gl_v1 := *p; m[k] = _gl_v1 }
//
// (yaegi evaluates the right-hand side before the map and the key anyway,
// see multiAssign.)
var passMapDeref = pass{"mapDeref", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		as, ok := c.Node().(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 || c.Index() < 0 {
			return true
		}
		if _, ok := c.Parent().(*ast.LabeledStmt); ok {
			return true
		}
		ix, ok := ast.Unparen(as.Lhs[0]).(*ast.IndexExpr)
		if !ok {
			return true
		}
		if _, ok := types.Unalias(under(e.c.info.TypeOf(ix.X))).(*types.Map); !ok {
			return true
		}
		star, ok := ast.Unparen(as.Rhs[0]).(*ast.StarExpr)
		if !ok || e.c.info.Types[star].IsType() {
			return true
		}
		if t := e.c.info.TypeOf(star); t == nil || hasTypeParam(t) {
			return true
		}
		v := e.newName("v")
		c.Replace(&ast.BlockStmt{List: []ast.Stmt{
			&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(v)}, Tok: token.DEFINE, Rhs: as.Rhs},
			&ast.AssignStmt{Lhs: as.Lhs, Tok: token.ASSIGN, Rhs: []ast.Expr{ast.NewIdent(v)}},
		}})
		return true
	})
}}

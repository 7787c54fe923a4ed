package cell

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass blankRecv: in yaegi v0.16.1, `_, ok = <-ch` (an assignment, not :=,
// that drops the value) writes the channel into ok's slot and panics:
// "reflect.Set: value of type int is not assignable to type chan int".
// A cell's top level turns _, ok := <-ch into exactly that (ok is a
// session variable). The flag comes back from a function literal, which
// receives with := (which works):
//
//	_, ok = <-ch  ->  ok = func() T { _, v := <-ch; return T(v) }()
//
// A select case (case _, ok = <-ch:) is pass select's.
var passBlankRecv = pass{"blankRecv", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		as, ok := c.Node().(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
			return true
		}
		if _, comm := c.Parent().(*ast.CommClause); comm {
			return true
		}
		if id, ok := as.Lhs[0].(*ast.Ident); !ok || id.Name != "_" {
			return true
		}
		recv, ok := ast.Unparen(as.Rhs[0]).(*ast.UnaryExpr)
		if !ok || recv.Op != token.ARROW {
			return true
		}
		tv, ok := e.c.info.Types[as.Lhs[1]]
		var t types.Type = types.Typ[types.Bool]
		if ok && tv.Type != nil {
			t = tv.Type
		}
		ts := e.typeString(t)
		lit := parseExpr("func() " + ts + " { _, v := <-_gl_ch; return " + ts + "(v) }").(*ast.FuncLit)
		// The receive itself, with its positions, replaces the placeholder.
		lit.Body.List[0].(*ast.AssignStmt).Rhs[0] = recv
		as.Lhs = as.Lhs[1:]
		as.Rhs[0] = &ast.CallExpr{Fun: lit}
		return true
	})
}}

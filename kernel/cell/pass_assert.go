package cell

import (
	"go/ast"
	"go/types"
	"golang.org/x/tools/go/ast/astutil"
)

// Pass recover: recover() in yaegi v0.16.1 sometimes returns a
// reflect.Value that holds the panic value instead of the value itself.
// Its result goes through cellrt.Recovered:
//
//	r := recover()  ->  r := cellrt.Recovered(recover())
var passRecover = pass{"recover", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, ok := c.Node().(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok {
			return true
		}
		if b, ok := e.c.info.Uses[id].(*types.Builtin); !ok || b.Name() != "recover" {
			return true
		}
		rt := e.importAlias(RuntimePath, "cellrt")
		c.Replace(&ast.CallExpr{Fun: parseExpr(rt + ".Recovered"), Args: []ast.Expr{call}})
		return true
	})
}}

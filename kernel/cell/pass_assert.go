package cell

import (
	"go/ast"
	"golang.org/x/tools/go/ast/astutil"
)

// panicsPath is the compiled helper that turns yaegi's run-time panics
// into Go's (kernel/panics, in the symbol tables).
const panicsPath = "github.com/gopherlab/gopherlab/kernel/panics"

// Pass recover: recover() in yaegi v0.16.1 sometimes returns a
// reflect.Value that holds the panic value instead of the value itself,
// and a run-time panic is reflect's ("reflect: call of reflect.Value.Field
// on zero Value" for a nil dereference), not Go's. Its result goes through
// cellrt.Recovered and panics.Go:
//
//	r := recover()  ->  r := panics.Go(cellrt.Recovered(recover()))
var passRecover = pass{"recover", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, name := e.builtinCall(c.Node())
		if name != "recover" {
			return true
		}
		rt := e.importAlias(RuntimePath, "cellrt")
		recovered := &ast.CallExpr{Fun: parseExpr(rt + ".Recovered"), Args: []ast.Expr{call}}
		c.Replace(&ast.CallExpr{Fun: parseExpr(e.importAlias(panicsPath, "panics") + ".Go"), Args: []ast.Expr{recovered}})
		return true
	})
}}

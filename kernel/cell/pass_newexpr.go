package cell

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass newExpr: Go 1.26 allows new(expr), a pointer to a new variable
// holding expr's value; yaegi v0.16.1 takes the expression for a type and
// returns a pointer to a zero value (new(42) points to 0). The call
// becomes a function literal that returns its parameter's address:
//
//	new(42)  ->  func(v int) *int { return &v }(42)
var passNewExpr = pass{"newExpr", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, name := e.builtinCall(c.Node())
		if name != "new" || len(call.Args) != 1 {
			return true
		}
		if tv, ok := e.c.info.Types[call.Args[0]]; !ok || tv.IsType() {
			return true
		}
		p, ok := e.c.info.Types[call].Type.(*types.Pointer)
		if !ok {
			return true
		}
		ts := e.typeString(p.Elem())
		lit := parseExpr("func(v " + ts + ") *" + ts + " { return &v }")
		c.Replace(&ast.CallExpr{Fun: lit, Lparen: call.Lparen, Args: call.Args, Rparen: call.Rparen})
		return true
	})
}}

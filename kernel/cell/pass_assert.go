package cell

import (
	"go/ast"
	"go/types"
	"golang.org/x/tools/go/ast/astutil"
)

// Pass assertError: interpreted code in yaegi v0.16.1 cannot assert a value
// to an interface type: `err, ok := r.(error)` is false even when r is an
// error (a recovered panic value, say). The comma-ok form asks compiled
// code first:
//
//	e, ok := r.(error)  ->  e, ok := func(v any) (error, bool) { if e, ok := cellrt.AsError(v); ok { return e, true }; e, ok := v.(error); return e, ok }(r)
var passAssertError = pass{"assertError", func(e *emitter, root ast.Node) {
	errType := types.Universe.Lookup("error").Type()
	fix := func(x ast.Expr) ast.Expr {
		ta, ok := ast.Unparen(x).(*ast.TypeAssertExpr)
		if !ok || ta.Type == nil {
			return x
		}
		tv, ok := e.c.info.Types[ta.Type]
		if !ok || !types.Identical(tv.Type, errType) {
			return x
		}
		rt := e.importAlias(RuntimePath, "cellrt")
		lit := parseExpr("func(v any) (error, bool) { if e, ok := " + rt + ".AsError(v); ok { return e, true }; e, ok := v.(error); return e, ok }")
		return &ast.CallExpr{Fun: lit, Args: []ast.Expr{ta.X}}
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 2 && len(n.Rhs) == 1 {
				n.Rhs[0] = fix(n.Rhs[0])
			}
		case *ast.ValueSpec:
			if len(n.Names) == 2 && len(n.Values) == 1 {
				n.Values[0] = fix(n.Values[0])
			}
		}
		return true
	})
}}

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

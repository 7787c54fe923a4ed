package cell

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass randN: math/rand/v2's N is generic, so yaegi's symbol tables do not
// have it, and an interpreted stand-in cannot convert to a compiled named
// type through a type parameter (rand.N(time.Second) fails). A call
// becomes a function literal of the instantiated type, as N is written:
//
//	rand.N(d)  ->  func(n time.Duration) time.Duration { if n <= 0 { panic("invalid argument to N") }; return time.Duration(rand.Uint64N(uint64(n))) }(d)
//
// Inside a generic function (a type parameter argument) the call stays,
// and yaegi refuses it.
var passRandN = pass{"randN", func(e *emitter, root ast.Node) {
	replaceGenericStdCall(e, root, "math/rand/v2", "N", func(typeArg types.Type) ast.Expr {
		ts := e.typeString(typeArg)
		rand := e.importAlias("math/rand/v2", "rand")
		return parseExpr("func(n " + ts + ") " + ts + " { if n <= 0 { panic(\"invalid argument to N\") }; return " + ts + "(" + rand + ".Uint64N(uint64(n))) }")
	})
}}

// replaceGenericStdCall replaces every one-argument call of the generic
// function pkg.name, instantiated with a type argument that is not a type
// parameter, by a call of the function literal that lit writes for that
// type argument (passes errorsAsType and randN).
func replaceGenericStdCall(e *emitter, root ast.Node, pkg, name string, lit func(typeArg types.Type) ast.Expr) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, ok := c.Node().(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		sel, ok := genericFunc(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		f, ok := e.c.info.Uses[sel.Sel].(*types.Func)
		if !ok || f.Pkg() == nil || f.Pkg().Path() != pkg || f.Name() != name {
			return true
		}
		inst, ok := e.c.info.Instances[sel.Sel]
		if !ok || inst.TypeArgs.Len() != 1 || hasTypeParam(inst.TypeArgs.At(0)) {
			return true
		}
		c.Replace(&ast.CallExpr{Fun: lit(inst.TypeArgs.At(0)), Lparen: call.Lparen, Args: call.Args, Rparen: call.Rparen})
		return true
	})
}

// genericFunc returns the function of a call without its type arguments:
// f for f[T] and f[K, V] (pass typeArgs writes them out).
func genericFunc(fun ast.Expr) ast.Expr {
	switch x := ast.Unparen(fun).(type) {
	case *ast.IndexExpr:
		return x.X
	case *ast.IndexListExpr:
		return x.X
	}
	return ast.Unparen(fun)
}

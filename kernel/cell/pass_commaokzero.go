package cell

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass commaOkZero: when a comma-ok map index or type assertion fails,
// Go sets the value to the zero value; yaegi v0.16.1 leaves the variable
// as it was. So `v := 5; v, ok = m["missing"]` left v at 5, and in a loop
// `t, ok := m[k]` kept the value of the key found in an earlier iteration
// (the := reuses the frame's slot), with the cell reporting ok. The
// comma-ok form runs in a function literal of its own, whose fresh
// frame starts at zero:
//
//	v, ok = m[k]    ->  v, ok = func() (V, bool) { _gl_v1, _gl_ok2 := m[k]; return _gl_v1, _gl_ok2 }()
//	n, ok := x.(T)  ->  n, ok := func() (T, bool) { _gl_v1, _gl_ok2 := x.(T); return _gl_v1, _gl_ok2 }()
//
// Left alone: `_, ok := ...` (no value to keep), generic code, the
// assertions other passes generate (they use the value only when ok), and
// values of interface types: a function literal returning a cell's value
// as a compiled interface (fmt.Stringer) loses its methods in yaegi, so
// `s, ok := v.(fmt.Stringer)` keeps yaegi's stale value on failure.
var passCommaOkZero = pass{"commaOkZero", func(e *emitter, root ast.Node) {
	made := map[ast.Node]bool{} // the assignments inside the literals made here
	wrap := func(lhs0 ast.Expr, define bool, rhs *ast.Expr) {
		if isBlank(lhs0) {
			return
		}
		x := ast.Unparen(*rhs)
		switch x := x.(type) {
		case *ast.IndexExpr:
			if _, ok := types.Unalias(under(e.c.info.TypeOf(x.X))).(*types.Map); !ok {
				return
			}
		case *ast.TypeAssertExpr:
			if x.Type == nil {
				return
			}
		default:
			return
		}
		tv, ok := e.c.info.Types[*rhs]
		if !ok || tv.Type == nil {
			return
		}
		t := tv.Type
		if tup, ok := t.(*types.Tuple); ok {
			if tup.Len() != 2 {
				return
			}
			t = tup.At(0).Type()
		}
		if hasTypeParam(t) || types.IsInterface(t) {
			return // an interpreted value returned as a compiled interface loses its methods (yaegi's assert1.go)
		}
		// A variable := declares (also mapCommaOk's) gets t; another one must have it.
		if lt := e.c.info.TypeOf(lhs0); (lt == nil && !define) || (lt != nil && !types.Identical(lt, t)) {
			return // yaegi cannot convert a function's result to the variable's type (GOROOT's typeparam/issue50642)
		}
		v, okName := e.newName("v"), e.newName("ok")
		lit := parseExpr("func() (" + e.typeString(t) + ", bool) { " + v + ", " + okName + " := _gl_x; return " + v + ", " + okName + " }")
		orig := *rhs
		astutil.Apply(lit, nil, func(c *astutil.Cursor) bool {
			if id, ok := c.Node().(*ast.Ident); ok && id.Name == "_gl_x" {
				made[c.Parent()] = true
				c.Replace(orig)
			}
			return true
		})
		*rhs = &ast.CallExpr{Fun: lit}
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 2 && !made[n] && len(n.Rhs) == 1 {
				wrap(n.Lhs[0], n.Tok == token.DEFINE, &n.Rhs[0])
			}
		case *ast.ValueSpec:
			if len(n.Names) == 2 && len(n.Values) == 1 {
				wrap(n.Names[0], false, &n.Values[0])
			}
		}
		return true
	})
}}

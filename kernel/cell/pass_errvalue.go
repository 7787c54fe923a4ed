package cell

import (
	"go/token"

	"go/ast"
	"go/types"
	"golang.org/x/tools/go/ast/astutil"
)

// Pass errorValue: in yaegi v0.16.1 (with Go 1.26), a value of an
// interpreted struct type whose Error method has a value receiver does not
// survive conversion to `error`: assigning it fails ("reflect: Method
// index out of range"), and where it works (a return) the wrapper yaegi
// makes holds the wrong value, so type assertions and errors.As miss it.
// A pointer to a copy behaves (its method set has Error too), so such
// conversions give the error a pointer:
//
//	var err error = MyErr{}  ->  var err error = func() error { v := MyErr{}; return &v }()
//
// Type assertions and errors.As look for *MyErr as well (passes errors
// and assertValueError). Comparing such an error with == compares
// pointers.
var passErrorValue = pass{"errorValue", func(e *emitter, root ast.Node) {
	errType := types.Universe.Lookup("error").Type()
	conv := func(x ast.Expr, target types.Type) ast.Expr {
		if target == nil || !types.Identical(target, errType) {
			return x
		}
		tv, ok := e.c.info.Types[x]
		if !ok || tv.Type == nil || !isValueError(tv.Type) {
			return x
		}
		return &ast.CallExpr{Fun: &ast.FuncLit{
			Type: &ast.FuncType{Params: &ast.FieldList{}, Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent("error")}}}},
			Body: &ast.BlockStmt{List: []ast.Stmt{
				&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_gl_v")}, Tok: token.DEFINE, Rhs: []ast.Expr{x}},
				&ast.ReturnStmt{Results: []ast.Expr{&ast.UnaryExpr{Op: token.AND, X: ast.NewIdent("_gl_v")}}},
			}},
		}}
	}
	typeOf := func(x ast.Expr) types.Type {
		if tv, ok := e.c.info.Types[x]; ok {
			return tv.Type
		}
		if id, ok := x.(*ast.Ident); ok {
			if obj := e.c.info.Uses[id]; obj != nil {
				return obj.Type()
			}
			if obj := e.c.info.Defs[id]; obj != nil {
				return obj.Type()
			}
		}
		return nil
	}
	var sigs []*types.Signature
	astutil.Apply(root, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.FuncDecl:
			var sig *types.Signature
			if obj := e.c.info.Defs[n.Name]; obj != nil {
				sig, _ = obj.Type().(*types.Signature)
			}
			sigs = append(sigs, sig)
		case *ast.FuncLit:
			sig, _ := e.c.info.Types[n].Type.(*types.Signature)
			sigs = append(sigs, sig)
		case *ast.ReturnStmt:
			if len(sigs) == 0 || sigs[len(sigs)-1] == nil {
				return true
			}
			res := sigs[len(sigs)-1].Results()
			if res.Len() == len(n.Results) {
				for i := range n.Results {
					n.Results[i] = conv(n.Results[i], res.At(i).Type())
				}
			}
		case *ast.CallExpr:
			tv := e.c.info.Types[n.Fun]
			if tv.IsType() {
				if len(n.Args) == 1 {
					n.Args[0] = conv(n.Args[0], tv.Type)
				}
				return true
			}
			sig, ok := typeOf(n.Fun).(*types.Signature)
			if !ok {
				return true
			}
			for i := range n.Args {
				var t types.Type
				switch {
				case sig.Variadic() && i >= sig.Params().Len()-1 && !n.Ellipsis.IsValid():
					t = sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice).Elem()
				case i < sig.Params().Len():
					t = sig.Params().At(i).Type()
				}
				n.Args[i] = conv(n.Args[i], t)
			}
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i := range n.Rhs {
					n.Rhs[i] = conv(n.Rhs[i], typeOf(n.Lhs[i]))
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil {
				t := typeOf(n.Type)
				for i := range n.Values {
					n.Values[i] = conv(n.Values[i], t)
				}
			}
		case *ast.SendStmt:
			if ch, ok := typeOf(n.Chan).Underlying().(*types.Chan); ok {
				n.Value = conv(n.Value, ch.Elem())
			}
		case *ast.CompositeLit:
			t := typeOf(n)
			if t == nil {
				return true
			}
			switch u := t.Underlying().(type) {
			case *types.Struct:
				for i, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							for j := range u.NumFields() {
								if u.Field(j).Name() == id.Name {
									kv.Value = conv(kv.Value, u.Field(j).Type())
								}
							}
						}
					} else if i < u.NumFields() {
						n.Elts[i] = conv(el, u.Field(i).Type())
					}
				}
			case *types.Slice, *types.Array, *types.Map:
				var elem types.Type
				switch u := u.(type) {
				case *types.Slice:
					elem = u.Elem()
				case *types.Array:
					elem = u.Elem()
				case *types.Map:
					elem = u.Elem()
				}
				for i, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						kv.Value = conv(kv.Value, elem)
					} else {
						n.Elts[i] = conv(el, elem)
					}
				}
			}
		}
		return true
	}, func(c *astutil.Cursor) bool {
		switch c.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			sigs = sigs[:len(sigs)-1]
		}
		return true
	})
}}

// isValueError reports whether t is a type declared in a cell, not a
// pointer, whose Error method has a value receiver.
func isValueError(t types.Type) bool {
	if _, ptr := t.(*types.Pointer); ptr || !isSessionType(t) {
		return false
	}
	n := types.Unalias(t).(*types.Named)
	return types.NewMethodSet(t).Lookup(n.Obj().Pkg(), "Error") != nil
}

// Pass assertValueError: x.(MyErr), for a type whose Error method has a
// value receiver, also accepts the *MyErr that pass errorValue makes:
//
//	e, ok := err.(MyErr)  ->  e, ok := func(x error) (MyErr, bool) { if p, ok := x.(*MyErr); ok { return *p, true }; t, ok := x.(MyErr); return t, ok }(err)
//
// (A type switch with case MyErr still misses it.)
var passAssertValueError = pass{"assertValueError", func(e *emitter, root ast.Node) {
	// The literal takes x as its static type: yaegi v0.16.1 loses the
	// pointer's type when an error passes through an `any`.
	target := func(x ast.Expr) (*ast.TypeAssertExpr, string, string) {
		ta, ok := ast.Unparen(x).(*ast.TypeAssertExpr)
		if !ok || ta.Type == nil {
			return nil, "", ""
		}
		tv, ok := e.c.info.Types[ta.Type]
		xt, ok2 := e.c.info.Types[ta.X]
		if !ok || !ok2 || !isValueError(tv.Type) {
			return nil, "", ""
		}
		return ta, e.typeString(tv.Type), e.typeString(xt.Type)
	}
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 2 && len(n.Rhs) == 1 {
				if ta, ts, xs := target(n.Rhs[0]); ta != nil {
					lit := parseExpr("func(x " + xs + ") (" + ts + ", bool) { if p, ok := x.(*" + ts + "); ok { return *p, true }; t, ok := x.(" + ts + "); return t, ok }")
					n.Rhs[0] = &ast.CallExpr{Fun: lit, Args: []ast.Expr{ta.X}}
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == 2 && len(n.Values) == 1 {
				if ta, ts, xs := target(n.Values[0]); ta != nil {
					lit := parseExpr("func(x " + xs + ") (" + ts + ", bool) { if p, ok := x.(*" + ts + "); ok { return *p, true }; t, ok := x.(" + ts + "); return t, ok }")
					n.Values[0] = &ast.CallExpr{Fun: lit, Args: []ast.Expr{ta.X}}
				}
			}
		}
		return true
	})
}}

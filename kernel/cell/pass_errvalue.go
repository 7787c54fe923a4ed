package cell

import (
	"go/ast"
	"go/types"
)

// Pass errorValue: in yaegi v0.16.1 (with Go 1.26), assigning a value of
// an interpreted struct type whose Error method has a value receiver to an
// `error` variable, argument or field fails ("reflect: Method index out of
// range"); returning it from a function works. Such implicit conversions
// go through a function literal:
//
//	var err error = MyErr{}  ->  var err error = func() error { return MyErr{} }()
var passErrorValue = pass{"errorValue", func(e *emitter, root ast.Node) {
	errType := types.Universe.Lookup("error").Type()
	conv := func(x ast.Expr, target types.Type) ast.Expr {
		if target == nil || !types.Identical(target, errType) {
			return x
		}
		tv, ok := e.c.info.Types[x]
		if !ok || tv.Type == nil || !isSessionType(tv.Type) {
			return x
		}
		if _, ptr := tv.Type.(*types.Pointer); ptr {
			return x
		}
		return &ast.CallExpr{Fun: &ast.FuncLit{
			Type: &ast.FuncType{Params: &ast.FieldList{}, Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent("error")}}}},
			Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{x}}}},
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
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
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
	})
}}

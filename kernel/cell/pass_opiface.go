package cell

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Pass opToIface: yaegi v0.16.1 computes !x, -x, ^x and x<<n (x >> n)
// straight into the variable that receives the value, and when that
// variable has an interface type it goes wrong: ! panics (reflect: call of
// reflect.Value.SetBool on interface Value; GOROOT's gcgort.go), and -,
// ^, << and >> have no code at all for it, so the function silently
// returns there (`var a any = -b` ends the cell without an error, a
// `return -b` into an `any` result returns nil). The operation is given a
// value of its own type first, which yaegi then converts:
//
//	var a any = -b   ->  var a any = int(-b)
//	a = !a.(bool)    ->  a = bool(!a.(bool))
//
// wherever such an operation meets an interface type: an assignment, a
// variable declaration, a return, an argument, an element of a composite
// literal, a channel send.
var passOpToIface = pass{"opToIface", func(e *emitter, root ast.Node) {
	info := e.c.info
	wrap := func(x *ast.Expr, target types.Type) {
		if target == nil || !types.IsInterface(target) {
			return
		}
		switch op := (*x).(type) {
		case *ast.UnaryExpr:
			if op.Op != token.NOT && op.Op != token.SUB && op.Op != token.XOR {
				return
			}
		case *ast.BinaryExpr:
			if op.Op != token.SHL && op.Op != token.SHR {
				return
			}
		default:
			return
		}
		tv, ok := info.Types[*x]
		if !ok || tv.Value != nil || tv.Type == nil || types.IsInterface(tv.Type) || hasTypeParam(tv.Type) {
			return
		}
		*x = &ast.CallExpr{Fun: e.typeExpr(types.Default(tv.Type)), Args: []ast.Expr{*x}}
	}
	typeOf := func(x ast.Expr) types.Type {
		if tv, ok := info.Types[x]; ok {
			return tv.Type
		}
		if id, ok := x.(*ast.Ident); ok {
			if obj := info.ObjectOf(id); obj != nil {
				return obj.Type()
			}
		}
		return nil
	}
	var results []*types.Tuple // of the enclosing functions
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			var sig *types.Signature
			var body *ast.BlockStmt
			if d, ok := n.(*ast.FuncDecl); ok {
				if obj, ok := info.Defs[d.Name].(*types.Func); ok {
					sig, _ = obj.Type().(*types.Signature)
				}
				body = d.Body
			} else {
				lit := n.(*ast.FuncLit)
				sig, _ = typeOf(lit).(*types.Signature)
				body = lit.Body
			}
			if body == nil {
				return false
			}
			var res *types.Tuple
			if sig != nil {
				res = sig.Results()
			}
			results = append(results, res)
			ast.Inspect(body, visit)
			results = results[:len(results)-1]
			return false
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) {
				for i := range n.Rhs {
					wrap(&n.Rhs[i], typeOf(n.Lhs[i]))
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil && len(n.Names) == len(n.Values) {
				for i := range n.Values {
					wrap(&n.Values[i], typeOf(n.Type))
				}
			}
		case *ast.ReturnStmt:
			if len(results) > 0 {
				if res := results[len(results)-1]; res != nil && res.Len() == len(n.Results) {
					for i := range n.Results {
						wrap(&n.Results[i], res.At(i).Type())
					}
				}
			}
		case *ast.SendStmt:
			if t := typeOf(n.Chan); t != nil {
				if c, ok := t.Underlying().(*types.Chan); ok {
					wrap(&n.Value, c.Elem())
				}
			}
		case *ast.CallExpr:
			sig, ok := typeOf(n.Fun).(*types.Signature)
			if !ok {
				if t := typeOf(n.Fun); t != nil {
					sig, ok = t.Underlying().(*types.Signature)
				}
			}
			if !ok || n.Ellipsis.IsValid() {
				return true
			}
			for i := range n.Args {
				switch {
				case sig.Variadic() && i >= sig.Params().Len()-1:
					wrap(&n.Args[i], sig.Params().At(sig.Params().Len()-1).Type().(*types.Slice).Elem())
				case i < sig.Params().Len():
					wrap(&n.Args[i], sig.Params().At(i).Type())
				}
			}
		case *ast.CompositeLit:
			t := typeOf(n)
			if t == nil {
				return true
			}
			for i, el := range n.Elts {
				x := &n.Elts[i]
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					x = &kv.Value
				}
				switch u := t.Underlying().(type) {
				case *types.Slice:
					wrap(x, u.Elem())
				case *types.Array:
					wrap(x, u.Elem())
				case *types.Map:
					wrap(x, u.Elem())
				case *types.Struct:
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							if f, ok := info.Uses[id].(*types.Var); ok {
								wrap(x, f.Type())
							}
						}
					} else if i < u.NumFields() {
						wrap(x, u.Field(i).Type())
					}
				}
			}
		}
		return true
	}
	ast.Inspect(root, visit)
}}

package cell

import (
	"go/ast"
	"go/token"
	"go/types"
)

// A type declared in a cell without methods whose underlying type is not
// a struct (type plain int) is its underlying type to yaegi v0.16.1: a
// plain in an interface is an int, x.(int) is true for it and x.(plain)
// for an int. Nothing at run time tells them apart, so pass ifaceAssert
// refuses x.(int) (or a type switch case int) once interpreted code of the
// session has put a plain into an interface, and x.(plain) once it has put
// both a plain and an int into interfaces. The session remembers the types
// whose values went into interfaces (Session.inIface); values that only
// compiled code puts there (json.Unmarshal into an any) are not seen.

// refusePlain refuses the assertion ta to the concrete type t where yaegi
// cannot tell t from a methodless cell type; it reports whether it did.
func (e *emitter) refusePlain(ta *ast.TypeAssertExpr, t types.Type) bool {
	e.scanFlows()
	what, pos := "the type assertion "+types.ExprString(ta), ta.Pos()
	if generated(ta.X) {
		what, pos = "a type switch case "+types.ExprString(ta.Type), ta.Type.Pos()
	}
	refuse := func(n, u string) bool {
		e.refuse(pos, what+" can be wrong in the interpreter (it holds a "+n+" in an interface as its underlying type "+u+": it cannot tell them apart)")
		return true
	}
	if n := methodlessPlain(t); n != nil {
		u := n.Underlying()
		if e.s.inIface[n.Obj().Name()] && e.s.inIface[flowKey(u)] {
			return refuse(n.Obj().Name(), types.TypeString(u, nil))
		}
		return false
	}
	if isSessionType(t) {
		return false
	}
	for _, tn := range e.sessionTypes() {
		if n := methodlessPlain(tn.Type()); n != nil && e.s.inIface[tn.Name()] && types.Identical(n.Underlying(), t) {
			return refuse(tn.Name(), types.TypeString(t, nil))
		}
	}
	return false
}

// methodlessPlain returns t when it is a cell's named type without methods
// (nor on its pointer) whose underlying type is not a struct.
func methodlessPlain(t types.Type) *types.Named {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "main" || n.TypeParams().Len() > 0 || types.IsInterface(n) {
		return nil
	}
	if _, ok := n.Underlying().(*types.Struct); ok {
		return nil
	}
	if types.NewMethodSet(n).Len() > 0 || types.NewMethodSet(types.NewPointer(n)).Len() > 0 {
		return nil
	}
	return n
}

// flowKey names a type for Session.inIface: a cell's type by its name,
// others by their full type string.
func flowKey(t types.Type) string {
	if n := methodlessPlain(t); n != nil {
		return n.Obj().Name()
	}
	return "=" + types.TypeString(t, nil)
}

// scanFlows records, once per unit, the types of the values that the
// cell's code puts into interfaces: assignments, var declarations,
// conversions, calls of interpreted functions, append, composite
// literals, returns and sends.
func (e *emitter) scanFlows() {
	if e.flowed {
		return
	}
	e.flowed = true
	if e.s.inIface == nil {
		e.s.inIface = map[string]bool{}
	}
	info := e.c.info
	flow := func(x ast.Expr, to types.Type) {
		if to == nil || !types.IsInterface(to) {
			return
		}
		if t := info.TypeOf(x); t != nil && !types.IsInterface(t) && !info.Types[x].IsNil() {
			e.s.inIface[flowKey(t)] = true
		}
	}
	var funcs []*types.Signature // enclosing functions
	var stack []ast.Node
	ast.Inspect(e.c.cur.file, func(n ast.Node) bool {
		if n == nil {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch top.(type) {
			case *ast.FuncDecl, *ast.FuncLit:
				funcs = funcs[:len(funcs)-1]
			}
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.FuncDecl:
			sig, _ := info.TypeOf(n.Name).(*types.Signature)
			if obj := info.Defs[n.Name]; obj != nil {
				sig, _ = obj.Type().(*types.Signature)
			}
			funcs = append(funcs, sig)
		case *ast.FuncLit:
			sig, _ := info.TypeOf(n).(*types.Signature)
			funcs = append(funcs, sig)
		case *ast.ReturnStmt:
			if len(funcs) > 0 && funcs[len(funcs)-1] != nil {
				res := funcs[len(funcs)-1].Results()
				if res.Len() == len(n.Results) {
					for i, r := range n.Results {
						flow(r, res.At(i).Type())
					}
				}
			}
		case *ast.AssignStmt:
			if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) {
				for i := range n.Lhs {
					flow(n.Rhs[i], info.TypeOf(n.Lhs[i]))
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil && len(n.Values) == len(n.Names) {
				for _, v := range n.Values {
					flow(v, info.TypeOf(n.Type))
				}
			}
		case *ast.SendStmt:
			if ch, ok := under(info.TypeOf(n.Chan)).(*types.Chan); ok {
				flow(n.Value, ch.Elem())
			}
		case *ast.CompositeLit:
			switch u := under(info.TypeOf(n)).(type) {
			case *types.Slice:
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						el = kv.Value
					}
					flow(el, u.Elem())
				}
			case *types.Array:
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						el = kv.Value
					}
					flow(el, u.Elem())
				}
			case *types.Map:
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						flow(kv.Key, u.Key())
						flow(kv.Value, u.Elem())
					}
				}
			case *types.Struct:
				for i, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							if f, ok := info.Uses[id].(*types.Var); ok {
								flow(kv.Value, f.Type())
							}
						}
					} else if i < u.NumFields() {
						flow(el, u.Field(i).Type())
					}
				}
			}
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; ok && tv.IsType() {
				if len(n.Args) == 1 {
					flow(n.Args[0], tv.Type)
				}
				return true
			}
			var obj types.Object
			switch f := ast.Unparen(n.Fun).(type) {
			case *ast.Ident:
				obj = info.Uses[f]
			case *ast.SelectorExpr:
				obj = info.Uses[f.Sel]
			}
			if b, ok := obj.(*types.Builtin); ok {
				if b.Name() == "append" && len(n.Args) > 1 && n.Ellipsis == token.NoPos {
					if s, ok := under(info.TypeOf(n.Args[0])).(*types.Slice); ok {
						for _, a := range n.Args[1:] {
							flow(a, s.Elem())
						}
					}
				}
				return true
			}
			if f, ok := obj.(*types.Func); ok && f.Pkg() != nil && f.Pkg().Path() != "main" {
				return true // compiled: what it keeps it gives back as its own
			}
			sig, ok := under(info.TypeOf(n.Fun)).(*types.Signature)
			if !ok {
				return true
			}
			for i, a := range n.Args {
				var pt types.Type
				switch {
				case sig.Variadic() && i >= sig.Params().Len()-1 && n.Ellipsis == token.NoPos:
					pt = sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice).Elem()
				case i < sig.Params().Len():
					pt = sig.Params().At(i).Type()
				}
				flow(a, pt)
			}
		}
		return true
	})
}

// under is t's underlying type, nil for nil (generated code has no types).
func under(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return t.Underlying()
}

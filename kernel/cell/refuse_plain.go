package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// A type declared in a cell without methods whose underlying type is not
// a struct (type plain int) is its underlying type to yaegi v0.16.1: a
// plain in an interface is an int, x.(int) is true for it and x.(plain)
// for an int. Nothing at run time tells them apart, so pass ifaceAssert
// refuses x.(int) (or a type switch case int) where x may hold a plain
// that interpreted code of the session put into an interface, and
// x.(plain) where x may hold both a plain and an int. "May hold" is
// judged by where the values went (Session.inIface): a variable (x's own,
// or a field), or anywhere (a call's argument, a return, a composite
// literal, a send, or a variable whose interface value is itself copied
// on). Values that only compiled code puts into interfaces (json.Unmarshal
// into an any) are not seen.

// refusePlain refuses the assertion ta to the concrete type t where yaegi
// cannot tell t from a methodless cell type; it reports whether it did.
func (e *emitter) refusePlain(ta *ast.TypeAssertExpr, t types.Type, operand ast.Expr) bool {
	e.scanFlows()
	what, pos := "the type assertion "+types.ExprString(ta), ta.Pos()
	if generated(ta.X) {
		what, pos = "a type switch case "+types.ExprString(ta.Type), ta.Type.Pos()
	}
	refuse := func(n, u string) bool {
		e.refuse(pos, what+" can be wrong in the interpreter (it holds a "+n+" in an interface as its underlying type "+u+": it cannot tell them apart)")
		return true
	}
	dest := e.flowDest(operand)
	if n := methodlessPlain(t); n != nil {
		u := n.Underlying()
		if e.mayHold(n.Obj().Name(), dest) && e.mayHold(flowKey(u), dest) {
			return refuse(n.Obj().Name(), types.TypeString(u, nil))
		}
		return false
	}
	if isSessionType(t) {
		return false
	}
	for _, tn := range e.sessionTypes() {
		if n := methodlessPlain(tn.Type()); n != nil && types.Identical(n.Underlying(), t) && e.mayHold(tn.Name(), dest) {
			return refuse(tn.Name(), types.TypeString(t, nil))
		}
	}
	return false
}

// mayHold reports whether an interface at dest may hold a value of the
// type named key (flowKey) that interpreted code put into an interface.
func (e *emitter) mayHold(key, dest string) bool {
	m := e.s.inIface
	if m[key+"|?"] || (dest != "?" && m[key+"|"+dest]) {
		return true
	}
	if dest == "?" {
		for k := range m {
			if strings.HasPrefix(k, key+"|") {
				return true
			}
		}
		return false
	}
	for k := range m {
		if d, ok := strings.CutPrefix(k, key+"|"); ok && m["copied|"+d] {
			return true
		}
	}
	return false
}

// flowDest names where an interface value is stored, for Session.inIface:
// a package variable by name, a local variable or a field by position,
// "?" for anything else.
func (e *emitter) flowDest(x ast.Expr) string {
	for {
		switch y := x.(type) {
		case *ast.ParenExpr:
			x = y.X
			continue
		case *ast.IndexExpr:
			x = y.X
			continue
		case *ast.StarExpr:
			x = y.X
			continue
		case *ast.Ident:
			obj := e.c.info.ObjectOf(y)
			if obj == nil {
				return "?"
			}
			if obj.Parent() == e.c.pkg.Scope() {
				return "var:" + obj.Name()
			}
			return "local:" + e.s.fset.Position(obj.Pos()).String()
		case *ast.SelectorExpr:
			if sel := e.c.info.Selections[y]; sel != nil && sel.Kind() == types.FieldVal {
				return "field:" + e.s.fset.Position(sel.Obj().Pos()).String()
			}
			if obj, ok := e.c.info.Uses[y.Sel].(*types.Var); ok && obj.Pkg() == e.c.pkg {
				return "var:" + obj.Name()
			}
		}
		return "?"
	}
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
	converted := map[*ast.CallExpr]bool{}
	// flowTo records that x goes into an interface of type to at dest; an
	// interface value going on marks its own place as copied.
	flowTo := func(x ast.Expr, to types.Type, dest string) {
		if to == nil || !types.IsInterface(to) {
			return
		}
		if call, ok := ast.Unparen(x).(*ast.CallExpr); ok && len(call.Args) == 1 && info.Types[call.Fun].IsType() && types.IsInterface(info.TypeOf(call.Fun)) {
			converted[call] = true // var x any = any(p): the conversion goes to x
			x = call.Args[0]
		}
		t := info.TypeOf(x)
		if t == nil || info.Types[x].IsNil() {
			return
		}
		if types.IsInterface(t) {
			e.s.inIface["copied|"+e.flowDest(x)] = true
			return
		}
		e.s.inIface[flowKey(t)+"|"+dest] = true
	}
	flow := func(x ast.Expr, to types.Type) { flowTo(x, to, "?") }
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
			if len(n.Lhs) == len(n.Rhs) {
				for i := range n.Lhs {
					flowTo(n.Rhs[i], info.TypeOf(n.Lhs[i]), e.flowDest(n.Lhs[i]))
				}
			}
		case *ast.ValueSpec:
			if n.Type != nil && len(n.Values) == len(n.Names) {
				for i, v := range n.Values {
					flowTo(v, info.TypeOf(n.Type), e.flowDest(n.Names[i]))
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
				if len(n.Args) == 1 && !converted[n] {
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

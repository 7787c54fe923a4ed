package cell

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass typeArgs: yaegi v0.16.1 fails to infer type arguments through
// <-chan T, ...T and functions with several type parameters. Every use of
// a generic function gets its type arguments written out:
//
//	Map(xs, f)  ->  Map[int, string](xs, f)
var passTypeArgs = pass{"typeArgs", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		var id *ast.Ident
		switch n := c.Node().(type) {
		case *ast.Ident:
			if sel, ok := c.Parent().(*ast.SelectorExpr); ok && sel.Sel == n {
				return true // handled at the selector
			}
			id = n
		case *ast.SelectorExpr:
			id = n.Sel
		default:
			return true
		}
		inst, ok := e.c.info.Instances[id]
		if !ok || inst.TypeArgs.Len() == 0 {
			return true
		}
		if _, ok := e.c.info.Uses[id].(*types.Func); !ok {
			return true // generic types are always written with their arguments
		}
		switch p := c.Parent().(type) {
		case *ast.IndexExpr:
			if p.X == c.Node() {
				return true
			}
		case *ast.IndexListExpr:
			if p.X == c.Node() {
				return true
			}
		}
		var args []ast.Expr
		f := e.c.info.Uses[id].(*types.Func)
		if names, ok := preludeTypeParams["_gl_"+pkgName(f.Pkg().Path())+"_"+f.Name()]; ok && f.Pkg().Path() != "main" {
			// The stand-in in generic.go.txt may have fewer type
			// parameters (E for S ~[]E): match them by name.
			tps := f.Type().(*types.Signature).TypeParams()
			for _, name := range names {
				for i := range tps.Len() {
					if tps.At(i).Obj().Name() == name {
						args = append(args, e.typeExpr(inst.TypeArgs.At(i)))
					}
				}
			}
		} else {
			for i := range inst.TypeArgs.Len() {
				args = append(args, e.typeExpr(inst.TypeArgs.At(i)))
			}
		}
		c.Replace(&ast.IndexListExpr{X: c.Node().(ast.Expr), Indices: args})
		return true
	})
}}

// Pass genericStd: generic functions and types of the standard library
// (slices, maps, cmp, iter, sync.OnceValue, atomic.Pointer, ...) cannot be
// extracted into yaegi's symbol tables: they have no compiled form. They
// are given to yaegi as interpreted source (generic.go.txt, emitted into
// the session once, when first used) and the cell's references point
// there: slices.Sort -> _gl_slices_Sort. iter.Seq[V] and iter.Seq2[K, V]
// become their underlying function types.
var passGenericStd = pass{"genericStd", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.IndexExpr, *ast.IndexListExpr:
			// iter.Seq[int] as a type.
			tv, ok := e.c.info.Types[n.(ast.Expr)]
			if !ok || !tv.IsType() {
				return true
			}
			if named, ok := types.Unalias(tv.Type).(*types.Named); ok && isIterSeq(named) {
				c.Replace(e.typeExpr(named))
				return true
			}
		case *ast.SelectorExpr:
			obj := e.c.info.Uses[n.Sel]
			if obj == nil || obj.Pkg() == nil || !isGeneric(obj) {
				return true
			}
			if named, ok := types.Unalias(obj.Type()).(*types.Named); ok && isIterSeq(named) {
				return true
			}
			name := "_gl_" + pkgName(obj.Pkg().Path()) + "_" + obj.Name()
			if e.usePrelude(name) {
				c.Replace(ast.NewIdent(name))
			}
		}
		return true
	})
}}

func isGeneric(obj types.Object) bool {
	switch obj := obj.(type) {
	case *types.Func:
		sig, ok := obj.Type().(*types.Signature)
		return ok && sig.TypeParams().Len() > 0
	case *types.TypeName:
		named, ok := types.Unalias(obj.Type()).(*types.Named)
		return ok && named.TypeParams().Len() > 0
	}
	return false
}

func isIterSeq(n *types.Named) bool {
	obj := n.Origin().Obj()
	return obj.Pkg() != nil && obj.Pkg().Path() == "iter" && (obj.Name() == "Seq" || obj.Name() == "Seq2")
}

// Pass errors: in yaegi v0.16.1, errors.As panics with an interpreted
// error type and errors.Is misses an interpreted Unwrap method (compiled
// code cannot see interpreted methods), and interpreted code cannot assert
// an error to an interface type either (e.(interface{ Unwrap() error }) is
// always false). Both calls become function literals that walk the error
// tree: interpreted types through a type switch over the session's types
// that have Unwrap, Is or As methods (known from the type checker),
// compiled ones through cellrt.Unwrap and cellrt.IsOne.
var passErrors = pass{"errors", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, ok := c.Node().(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		f, ok := e.c.info.Uses[sel.Sel].(*types.Func)
		if !ok || f.Pkg() == nil || f.Pkg().Path() != "errors" {
			return true
		}
		switch f.Name() {
		case "Is":
			call.Fun = parseExpr(e.errorsWalk("target error", "", func(x string) string {
				return "if " + x + ".Is(target) { return true }"
			}))
		case "As":
			p, ok := e.c.info.Types[call.Args[1]].Type.(*types.Pointer)
			if !ok {
				return true
			}
			if as := e.errorsAs(p.Elem()); as != nil {
				call.Fun = as
			}
		}
		return true
	})
}}

// errorsAs returns a function that does errors.As(err, target) for a
// target of type *elem declared in a cell, or nil when the compiled
// errors.As works (a compiled type).
func (e *emitter) errorsAs(elem types.Type) ast.Expr {
	if hasTypeParam(elem) || !isSessionType(elem) {
		return nil
	}
	ts := e.typeString(elem)
	match := "if t, ok := err.(" + ts + "); ok { *target = t; return true }"
	if isValueError(elem) {
		// Pass errorValue turns such values into pointers.
		match += "\nif t, ok := err.(*" + ts + "); ok { *target = *t; return true }"
	}
	return parseExpr(e.errorsWalk("target *"+ts, match, func(x string) string {
		return "if " + x + ".As(target) { return true }"
	}))
}

// isSessionType reports whether t is (a pointer to) a type declared in a cell.
func isSessionType(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "main" && !types.IsInterface(n)
}

// errorsWalk writes the function literal for errors.Is or errors.As.
func (e *emitter) errorsWalk(targetParam, match string, method func(x string) string) string {
	rt := e.importAlias(RuntimePath, "cellrt")
	isCall := strings.HasPrefix(targetParam, "target error")
	var cases strings.Builder
	for _, name := range e.c.pkg.Scope().Names() {
		tn, ok := e.c.pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		named, ok := tn.Type().(*types.Named)
		if !ok || named.TypeParams().Len() > 0 || types.IsInterface(named) {
			continue
		}
		for _, t := range []types.Type{named, types.NewPointer(named)} {
			ms := types.NewMethodSet(t)
			var body strings.Builder
			has := func(m string) bool { return ms.Lookup(e.c.pkg, m) != nil }
			if isCall && has("Is") {
				body.WriteString(method("x") + "; ")
			}
			if !isCall && has("As") {
				body.WriteString(method("x") + "; ")
			}
			if has("Unwrap") {
				sig := ms.Lookup(e.c.pkg, "Unwrap").Obj().Type().(*types.Signature)
				if sig.Results().Len() == 1 {
					if _, ok := sig.Results().At(0).Type().(*types.Slice); ok {
						body.WriteString("es := x.Unwrap(); for i := len(es) - 1; i >= 0; i-- { stack = append(stack, es[i]) }; ")
					} else {
						body.WriteString("stack = append(stack, x.Unwrap()); ")
					}
				}
			}
			if body.Len() == 0 || !has("Error") {
				continue
			}
			fmt.Fprintf(&cases, "if x, ok := err.(%s); ok { %s continue }\n", e.typeString(t), body.String())
		}
	}
	eq := "if " + rt + ".IsOne(err, target) { return true }"
	if !isCall {
		eq = ""
	}
	// A chain of type assertions: a type switch on an error value does
	// not match interpreted types in yaegi v0.16.1.
	sw := cases.String()
	return `func(err error, ` + targetParam + `) bool {
	stack := []error{err}
	for len(stack) > 0 {
		err := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if err == nil {
			continue
		}
		` + eq + `
		` + match + `
		` + sw + `
		us := ` + rt + `.Unwrap(err)
		for i := len(us) - 1; i >= 0; i-- {
			stack = append(stack, us[i])
		}
	}
	return false
}`
}

// Pass methodExpr: method expressions such as (*T).M panic in yaegi
// v0.16.1 when T is an interpreted type. They become function literals:
//
//	(*T).M  ->  func(r *T, a int) string { return r.M(a) }
var passMethodExpr = pass{"methodExpr", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		sel, ok := c.Node().(*ast.SelectorExpr)
		if !ok {
			return true
		}
		s, ok := e.c.info.Selections[sel]
		if !ok || s.Kind() != types.MethodExpr {
			return true
		}
		sig, ok := e.c.info.Types[sel].Type.(*types.Signature)
		if !ok || hasTypeParam(sig) {
			return true
		}
		recv := s.Recv()
		if p, ok := recv.(*types.Pointer); ok {
			recv = p.Elem()
		}
		if n, ok := types.Unalias(recv).(*types.Named); !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "main" {
			return true
		}
		src := "func("
		args := ""
		for i := range sig.Params().Len() {
			if i > 0 {
				src += ", "
			}
			if i > 1 {
				args += ", "
			}
			name := "_gl_p" + string(rune('a'+i))
			t := sig.Params().At(i).Type()
			if sig.Variadic() && i == sig.Params().Len()-1 {
				src += name + " ..." + e.typeString(t.(*types.Slice).Elem())
				if i > 0 {
					args += name + "..."
				}
			} else {
				src += name + " " + e.typeString(t)
				if i > 0 {
					args += name
				}
			}
		}
		src += ")"
		var b strings.Builder
		e.writeResults(&b, sig)
		src += b.String()
		call := "_gl_pa." + sel.Sel.Name + "(" + args + ")"
		if sig.Results().Len() > 0 {
			src += " { return " + call + " }"
		} else {
			src += " { " + call + " }"
		}
		c.Replace(parseExpr(src))
		return true
	})
}}

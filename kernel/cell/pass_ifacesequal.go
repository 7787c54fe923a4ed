package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass ifacesEqual: yaegi v0.16.1 compares two interfaces wrongly when
// they hold values of cells' types: var i, j Animal = Dog{"rex"},
// Dog{"rex"}; i == j is false. Go compares the dynamic types, then the
// values. Where one operand has a cell's non-empty interface type, the
// comparison becomes a chain of comma-ok assertions to the types that
// implement it (pass ifaceAssert's chain), then yaegi's own == for
// compiled values:
//
//	i == j  ->  func(a, b any) bool {
//		if a == nil || b == nil { return a == nil && b == nil }
//		if x, ok := a.(Dog); ok { y, ok := b.(Dog); return ok && x == y }
//		if _, ok := a.(Cat); ok { _, ok := b.(Cat); return ok && cellrt.Uncomparable("main.Cat") }
//		return a == b
//	}(i, j)
//
// (!= negated). Two interfaces (also two `any`) that may hold two cell
// types yaegi cannot tell apart (the same underlying type) are refused.
var passIfacesEqual = pass{"ifacesEqual", func(e *emitter, root ast.Node) {
	info := e.c.info
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		b, ok := c.Node().(*ast.BinaryExpr)
		if !ok || (b.Op != token.EQL && b.Op != token.NEQ) {
			return true
		}
		xt, yt := info.TypeOf(b.X), info.TypeOf(b.Y)
		if xt == nil || yt == nil || hasTypeParam(xt) || hasTypeParam(yt) || info.Types[b.X].IsNil() || info.Types[b.Y].IsNil() {
			return true
		}
		if (types.IsInterface(xt) || types.IsInterface(yt)) && !generated(b) {
			if why := e.plainCompared(b.X, xt, b.Y, yt); why != "" {
				e.refuse(b.OpPos, "the comparison "+types.ExprString(b)+" can be wrong in the interpreter ("+why+")")
				return true
			}
		}
		if !types.IsInterface(xt) || !types.IsInterface(yt) {
			return true
		}
		if why := e.confusedTypes(xt, yt); why != "" {
			e.refuse(b.OpPos, "the comparison "+types.ExprString(b)+" of two interfaces can be wrong in the interpreter ("+why+")")
			return true
		}
		var iface *types.Interface
		for _, t := range []types.Type{xt, yt} {
			if cellInterface(e, t) {
				iface = t.Underlying().(*types.Interface)
			}
		}
		if iface == nil {
			return true
		}
		rt := e.importAlias(RuntimePath, "cellrt")
		var src strings.Builder
		src.WriteString("func(a, b any) bool {\nif a == nil || b == nil { return a == nil && b == nil }\n")
		for _, tn := range e.sessionTypes() {
			for _, ct := range []types.Type{tn.Type(), types.NewPointer(tn.Type())} {
				if !types.Implements(ct, iface) {
					continue
				}
				cs := e.typeString(ct)
				check := ""
				if _, isStruct := derefType(ct).Underlying().(*types.Struct); !isStruct {
					if _, isPtr := ct.(*types.Pointer); !isPtr {
						check = " && " + rt + ".IsCell(a)"
					}
				}
				if types.Comparable(ct) {
					src.WriteString("if x, ok := a.(" + cs + "); ok" + check + " { y, ok := b.(" + cs + "); return ok" + strings.ReplaceAll(check, "(a)", "(b)") + " && x == y }\n")
				} else {
					name := runtimeTypeName(ct)
					src.WriteString("if _, ok := a.(" + cs + "); ok" + check + " { _, ok := b.(" + cs + "); return ok" + strings.ReplaceAll(check, "(a)", "(b)") + " && " + rt + ".Uncomparable(" + quote(name) + ") }\n")
				}
			}
		}
		src.WriteString("return a == b }")
		fn := parseExpr(src.String())
		setPos(fn, b.OpPos)
		var r ast.Expr = &ast.CallExpr{Fun: fn, Lparen: b.OpPos, Args: []ast.Expr{b.X, b.Y}, Rparen: b.OpPos}
		if b.Op == token.NEQ {
			r = &ast.UnaryExpr{OpPos: b.OpPos, Op: token.NOT, X: r}
		}
		c.Replace(r)
		return true
	})
}}

// sessionTypes returns the session's named concrete types that are not
// generic, in scope order.
func (e *emitter) sessionTypes() []*types.TypeName {
	var out []*types.TypeName
	scope := e.c.pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() || types.IsInterface(tn.Type()) {
			continue
		}
		if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() > 0 {
			continue
		}
		out = append(out, tn)
	}
	return out
}

// confusedTypes says why comparing two interfaces of types xt and yt can be
// wrong: two session types that they may hold, with the same underlying
// type (a struct, or another type with methods); "" if none.
func (e *emitter) confusedTypes(xt, yt types.Type) string {
	ts := e.sessionTypes()
	may := func(t types.Type) bool { // may an xt or a yt hold a t?
		for _, it := range []types.Type{xt, yt} {
			if types.Implements(t, it.Underlying().(*types.Interface)) {
				return true
			}
		}
		return false
	}
	for i, a := range ts {
		for _, b := range ts[i+1:] {
			if !types.Identical(a.Type().Underlying(), b.Type().Underlying()) {
				continue
			}
			_, isStruct := a.Type().Underlying().(*types.Struct)
			if !isStruct && (types.NewMethodSet(a.Type()).Len() == 0 || types.NewMethodSet(b.Type()).Len() == 0) {
				continue
			}
			if (may(a.Type()) && may(b.Type())) || (may(types.NewPointer(a.Type())) && may(types.NewPointer(b.Type()))) {
				return "it cannot tell " + a.Name() + " from " + b.Name() + ", which have the same underlying type"
			}
		}
	}
	return ""
}

// plainCompared says why x == y, one of them an interface, can be wrong
// because of a methodless cell type N with underlying type U
// (refuse_plain.go): one side may hold an N and the other a U, or is one;
// "" if it cannot.
func (e *emitter) plainCompared(x ast.Expr, xt types.Type, y ast.Expr, yt types.Type) string {
	e.scanFlows()
	// may reports whether the side ex of type t may be a value of the type
	// with key k.
	may := func(ex ast.Expr, t types.Type, k string) bool {
		if types.IsInterface(t) {
			return e.mayHold(k, e.flowDest(ex))
		}
		return flowKey(t) == k
	}
	for _, tn := range e.sessionTypes() {
		n := methodlessPlain(tn.Type())
		if n == nil {
			continue
		}
		nk, uk := flowKey(n), flowKey(n.Underlying())
		if (may(x, xt, nk) && may(y, yt, uk)) || (may(x, xt, uk) && may(y, yt, nk)) {
			return "it holds a " + tn.Name() + " in an interface as its underlying type " + types.TypeString(n.Underlying(), nil) + ": it cannot tell them apart"
		}
	}
	return ""
}

package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass ifaceAssert: yaegi v0.16.1 answers a type assertion to an
// interface type from its own idea of the dynamic type, and is wrong with
// no error in common shapes: v.(I) is false when v holds a *T whose T has
// I's methods, true for a T whose methods are all on *T, false for a
// compiled value (time.Second) and a cell's interface; v.(any) is false;
// a type switch on a cell's interface with an interface case takes
// default. Comma-ok assertions to a cell's concrete types are right, and
// the type checker knows which of them implement I, so an assertion to an
// interface type becomes a chain of them, then a compiled check:
//
//	s, ok := v.(Shape)
//	->
//	s, ok := func() (Shape, bool) {
//		_gl_v := v
//		if _gl_v == nil { return nil, false }
//		if c, ok := _gl_v.(*Sq); ok { return c, true }        // the methods are on Sq
//		if _, ok := _gl_v.(Box); ok { return nil, false }      // only *Box has them
//		if c, ok := _gl_v.(plain); ok && cellrt.IsCell(_gl_v) { return c, true } // not an int
//		if c, ok := _gl_v.(Shape); ok { return c, true }      // yaegi's own, right for compiled values
//		if cellrt.Missing(_gl_v, "Area", (*func() int)(nil)) != "" { return nil, false }
//		cellrt.CannotHold(_gl_v, "main.Shape", "v.(Shape)")     // a compiled value yaegi cannot convert
//		return nil, true
//	}()
//
// The chain holds every type of the session (and every local type in
// scope) whose method set has one of I's method names; the last step
// decides for compiled values: native v.(I) for a compiled interface
// type, cellrt.Missing by reflection for a cell's. yaegi cannot put a
// compiled value into a cell's interface type, so where the value is
// needed, that refuses at run time (cellrt.CannotHold); `_, ok :=` is
// exact. x.(I) without ok panics with Go's text (cellrt.AssertFailed).
// x.(any) is x != nil. A chain that would need to tell apart two types
// yaegi cannot (the same underlying type) is refused at compile time.
//
// Still not exact: a value of a type declared inside a function, asserted
// where the type is not in scope, and of an instance of a cell's generic
// type; a *T for a T that is not a struct is taken for a compiled *U of
// the same underlying type U that only compiled code put into an interface
// (where interpreted code did, the assertion is refused).
var passIfaceAssert = pass{"ifaceAssert", func(e *emitter, root ast.Node) {
	info := e.c.info
	// The operands of pass typeSwitch's assertions (_gl_ts1 := x) and their
	// types.
	operands := map[string]ast.Expr{}
	ast.Inspect(root, func(n ast.Node) bool {
		if a, ok := n.(*ast.AssignStmt); ok && len(a.Lhs) == 1 && len(a.Rhs) == 1 && a.Tok == token.DEFINE {
			if id, ok := a.Lhs[0].(*ast.Ident); ok && strings.HasPrefix(id.Name, "_gl_ts") {
				operands[id.Name] = a.Rhs[0]
			}
		}
		return true
	})
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		ta, ok := c.Node().(*ast.TypeAssertExpr)
		if !ok || ta.Type == nil {
			return true
		}
		t := info.TypeOf(ta.Type)
		if t == nil || hasTypeParam(t) {
			return true
		}
		operand := ta.X // the source's, also for pass typeSwitch's _gl_ts1
		if id, ok := ta.X.(*ast.Ident); ok && operands[id.Name] != nil {
			operand = operands[id.Name]
		}
		if !types.IsInterface(t) {
			if !e.refusePlain(ta, t, operand) {
				if r := e.concreteAssertion(c, ta, t); r != nil {
					c.Replace(r)
				}
			}
			return true
		}
		if xt := info.TypeOf(ta.X); xt != nil && hasTypeParam(xt) {
			return true
		}
		commaOK, need := false, true
		switch p := c.Parent().(type) {
		case *ast.AssignStmt:
			if len(p.Lhs) == 2 && len(p.Rhs) == 1 {
				commaOK = true
				if id, ok := p.Lhs[0].(*ast.Ident); ok && id.Name == "_" {
					need = false
				}
			}
		case *ast.ValueSpec:
			if len(p.Names) == 2 && len(p.Values) == 1 {
				commaOK = true
				need = p.Names[0].Name != "_"
			}
		}
		xt := info.TypeOf(operand)
		if r := e.ifaceAssertion(ta, operand, xt, t, commaOK, need); r != nil {
			c.Replace(r)
		}
		return true
	})
}}

// chainType is one entry of an assertion's chain: a cell's type (or a
// pointer to one) and whether it implements the interface.
type chainType struct {
	t    types.Type
	impl bool
}

// ifaceAssertion writes the function literal call that replaces ta (an
// assertion to the interface type t); nil when it leaves ta to yaegi.
func (e *emitter) ifaceAssertion(ta *ast.TypeAssertExpr, src ast.Expr, xt, t types.Type, commaOK, need bool) ast.Expr {
	iface := t.Underlying().(*types.Interface)
	ts := e.typeString(t)
	goName := runtimeTypeName(t)
	rt := e.importAlias(RuntimePath, "cellrt")
	x := types.ExprString(ta.X)
	if strings.Contains(x, "\n") {
		return nil
	}
	var b strings.Builder
	b.WriteString("func() ")
	if commaOK {
		b.WriteString("(" + ts + ", bool)")
	} else {
		b.WriteString(ts)
	}
	// _gl_v keeps x's type: yaegi's own assertions see what they saw (and
	// var _gl_v any = x fails in yaegi for some x of type any).
	b.WriteString(" { _gl_v := _gl_X\n")
	fail := func(dyn, missing string) string { // what a failed assertion does
		if commaOK {
			return "return nil, false"
		}
		return rt + ".AssertFailed(_gl_v, " + quote(dyn) + ", " + quote(goName) + ", " + quote(missing) + "); return nil"
	}
	ok := func(val string) string {
		if commaOK {
			return "return " + val + ", true"
		}
		return "return " + val
	}
	if iface.Empty() {
		b.WriteString("if _gl_v == nil { " + fail("", "") + " }\n" + ok("_gl_v") + " }")
		return e.assertCall(b.String(), ta)
	}
	b.WriteString("if _gl_v == nil { " + fail("", "") + " }\n")
	chain, refused := e.assertChain(ta, src, xt, iface, need)
	if refused {
		return nil
	}
	for _, ct := range chain {
		cs := e.typeString(ct.t)
		cond := "c, ok := _gl_v.(" + cs + "); ok"
		if !ct.impl {
			cond = "_, ok := _gl_v.(" + cs + "); ok"
		}
		if _, isStruct := derefType(ct.t).Underlying().(*types.Struct); !isStruct {
			if _, isPtr := ct.t.(*types.Pointer); !isPtr {
				cond += " && " + rt + ".IsCell(_gl_v)"
			}
		}
		b.WriteString("if " + cond + " { ")
		if ct.impl {
			b.WriteString(ok("c"))
		} else {
			b.WriteString(fail(runtimeTypeName(ct.t), missingMethod(ct.t, iface)))
		}
		b.WriteString(" }\n")
	}
	if n, isNamed := types.Unalias(t).(*types.Named); isNamed && n.Obj().Pkg() != nil && n.Obj().Pkg() != e.c.pkg {
		// A compiled interface type: yaegi asserts compiled values right.
		if commaOK {
			b.WriteString("if _, ok := _gl_v.(" + ts + "); ok { return _gl_v.(" + ts + "), true }; return nil, false }")
		} else {
			b.WriteString("return _gl_v.(" + ts + ") }")
		}
		return e.assertCall(b.String(), ta)
	}
	// A cell's (or unnamed) interface type: yaegi's own assertion is right
	// for a compiled value that interpreted code put into a cell's
	// interface (it keeps it as such); for another compiled value, its
	// methods decide.
	// (x, ok := v.(I) binds with reflect.Set, which fails for a value that
	// came from a cell's interface; v.(I) alone does not.)
	b.WriteString("if _, ok := _gl_v.(" + ts + "); ok { " + ok("_gl_v.("+ts+")") + " }\n")
	var pairs []string
	for m := range iface.Methods() {
		pairs = append(pairs, m.Name())
	}
	sort.Strings(pairs)
	args := ""
	for _, name := range pairs {
		m, _, _ := types.LookupFieldOrMethod(t, false, e.c.pkg, name)
		sig := m.Type().(*types.Signature)
		typ := "nil"
		if m.Exported() && !mentionsSessionType(sig) {
			typ = "(*" + e.typeString(types.NewSignatureType(nil, nil, nil, sig.Params(), sig.Results(), sig.Variadic())) + ")(nil)"
		}
		args += ", " + quote(name) + ", " + typ
	}
	b.WriteString("if _gl_m := " + rt + ".Missing(_gl_v" + args + "); _gl_m != \"\" { ")
	if commaOK {
		b.WriteString("return nil, false }\n")
	} else {
		b.WriteString(rt + ".AssertFailed(_gl_v, \"\", " + quote(goName) + ", _gl_m); return nil }\n")
	}
	if need {
		// A compiled interface type with the same methods can carry the
		// value over (fmt.Stringer for interface{ String() string }).
		if j := e.identicalCompiled(iface); j != "" {
			b.WriteString("if c, ok := _gl_v.(" + j + "); ok { " + ok("c") + " }\n")
		}
		what := types.ExprString(ta)
		if generated(ta.X) {
			what = "of a type switch case " + types.ExprString(ta.Type)
		}
		b.WriteString(rt + ".CannotHold(_gl_v, " + quote(goName) + ", " + quote(what) + ")\n")
	}
	if commaOK {
		b.WriteString("return nil, true }")
	} else {
		b.WriteString("return nil }")
	}
	return e.assertCall(b.String(), ta)
}

// assertCall parses the function literal src, puts the operand in place of
// _gl_X, and returns its call at ta's position.
func (e *emitter) assertCall(src string, ta *ast.TypeAssertExpr) ast.Expr {
	fn := parseExpr(src)
	setPos(fn, ta.Pos())
	astutil.Apply(fn, func(c *astutil.Cursor) bool {
		if id, ok := c.Node().(*ast.Ident); ok && id.Name == "_gl_X" {
			c.Replace(ta.X)
			return false
		}
		return true
	}, nil)
	return &ast.CallExpr{Fun: fn, Lparen: ta.Lparen, Rparen: ta.Rparen}
}

// assertChain lists the types an assertion of ta to iface must try, in a
// fixed order; refused (after a refusal) when yaegi cannot tell two of
// them apart.
func (e *emitter) assertChain(ta *ast.TypeAssertExpr, src ast.Expr, xt types.Type, iface *types.Interface, need bool) (chain []chainType, refused bool) {
	names := map[string]bool{}
	for m := range iface.Methods() {
		names[m.Name()] = true
	}
	var operand *types.Interface
	if xt != nil && types.IsInterface(xt) {
		operand = xt.Underlying().(*types.Interface)
	}
	var all []*types.TypeName // every type a value may have
	scope := e.c.pkg.Scope()
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok {
			all = append(all, tn)
		}
	}
	var local []*types.TypeName
	for id, obj := range e.c.info.Defs {
		if tn, ok := obj.(*types.TypeName); ok && tn.Parent() != nil && tn.Parent() != scope && tn.Parent().Contains(ta.Pos()) && id.Pos() < ta.Pos() {
			local = append(local, tn)
		}
	}
	sort.Slice(local, func(i, j int) bool { return local[i].Pos() < local[j].Pos() })
	all = append(all, local...)
	var plain []*types.TypeName
	for _, tn := range all {
		if tn.IsAlias() || types.IsInterface(tn.Type()) {
			continue
		}
		if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() > 0 {
			continue
		}
		plain = append(plain, tn)
		for _, ct := range []types.Type{tn.Type(), types.NewPointer(tn.Type())} {
			ms := types.NewMethodSet(types.NewPointer(tn.Type())) // T too when only *T has them: yaegi says T implements I
			has := false
			for i := range ms.Len() {
				if names[ms.At(i).Obj().Name()] {
					has = true
				}
			}
			if !has || (operand != nil && !types.AssertableTo(operand, ct)) {
				continue
			}
			chain = append(chain, chainType{ct, types.Implements(ct, iface)})
		}
	}
	// yaegi takes a value of one type for another with the same underlying
	// type: refuse where that changes the answer or the value.
	for _, ct := range chain {
		elem := derefType(ct.t)
		_, isPtr := ct.t.(*types.Pointer)
		_, isStruct := elem.Underlying().(*types.Struct)
		for _, tn := range plain {
			if types.Identical(tn.Type(), elem) || !types.Identical(tn.Type().Underlying(), elem.Underlying()) {
				continue
			}
			other := tn.Type()
			if isPtr {
				other = types.NewPointer(other)
			} else if !isStruct && types.NewMethodSet(other).Len() == 0 && types.NewMethodSet(types.NewPointer(other)).Len() == 0 {
				continue // a value without methods is its underlying type's: cellrt.IsCell tells
			}
			if operand != nil && !types.Implements(other, operand) {
				continue // x cannot hold one
			}
			if !need && types.Implements(other, iface) == ct.impl {
				continue // same answer, value unused
			}
			what, pos := "the type assertion "+types.ExprString(ta), ta.Pos()
			if generated(ta.X) {
				what, pos = "a type switch case "+types.ExprString(ta.Type), ta.Type.Pos() // pass typeSwitch's
			}
			e.refuse(pos, what+" can be wrong in the interpreter (it cannot tell "+types.TypeString(elem, types.RelativeTo(e.c.pkg))+" from "+tn.Name()+", which has the same underlying type)")
			return nil, true
		}
		// A *plain (plain not a struct) is a *int to yaegi, without methods
		// to tell it by: refused where x may hold a *int that interpreted
		// code put into an interface (refuse_plain.go).
		if isPtr && !isStruct && ct.impl {
			e.scanFlows()
			if e.mayHold(flowKey(types.NewPointer(elem.Underlying())), e.flowDest(src)) {
				what, pos := "the type assertion "+types.ExprString(ta), ta.Pos()
				if generated(ta.X) {
					what, pos = "a type switch case "+types.ExprString(ta.Type), ta.Type.Pos()
				}
				e.refuse(pos, what+" can be wrong in the interpreter (it holds a "+types.TypeString(ct.t, types.RelativeTo(e.c.pkg))+" in an interface as a "+types.TypeString(types.NewPointer(elem.Underlying()), nil)+": it cannot tell them apart)")
				return nil, true
			}
		}
	}
	return chain, false
}

// derefType returns *T's T, or t.
func derefType(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// missingMethod returns the first (by name) method of iface that t lacks.
func missingMethod(t types.Type, iface *types.Interface) string {
	var names []string
	for m := range iface.Methods() {
		names = append(names, m.Name())
	}
	sort.Strings(names)
	ms := types.NewMethodSet(t)
	for _, n := range names {
		found := false
		for i := range ms.Len() {
			if ms.At(i).Obj().Name() == n {
				found = true
			}
		}
		if !found {
			return n
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return ""
}

// mentionsSessionType reports whether a signature uses a cell's type.
func mentionsSessionType(sig *types.Signature) bool {
	return anyTypePart(sig, func(t types.Type) bool {
		n, ok := t.(*types.Named)
		return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "main"
	})
}

// quote writes s as a Go string literal.
func quote(s string) string {
	return "\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"").Replace(s) + "\""
}

// hasIfaceCase reports whether a type switch has a case of a non-empty
// interface type (yaegi's own type switch on a cell's interface misses
// it).
func hasIfaceCase(info *types.Info, sw *ast.TypeSwitchStmt) bool {
	for _, st := range sw.Body.List {
		for _, ex := range st.(*ast.CaseClause).List {
			if t := info.TypeOf(ex); t != nil && !info.Types[ex].IsNil() && types.IsInterface(t) && !t.Underlying().(*types.Interface).Empty() {
				return true
			}
		}
	}
	return false
}

// identicalCompiled returns a compiled interface type (of a package the
// session imported, or error) with exactly iface's methods, as yaegi
// writes it; "" if there is none.
func (e *emitter) identicalCompiled(iface *types.Interface) string {
	if types.Identical(iface, types.Universe.Lookup("error").Type().Underlying()) {
		return "error"
	}
	for _, p := range e.c.pkg.Imports() {
		if p.Path() == "unsafe" {
			continue
		}
		for _, name := range p.Scope().Names() {
			tn, ok := p.Scope().Lookup(name).(*types.TypeName)
			if !ok || !tn.Exported() || tn.IsAlias() || !types.IsInterface(tn.Type()) {
				continue
			}
			if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() > 0 {
				continue
			}
			if types.Identical(tn.Type().Underlying(), iface) {
				return e.typeString(tn.Type())
			}
		}
	}
	return ""
}

// concreteAssertion rewrites x.(C) where yaegi takes a value of a cell's
// type with methods and underlying type C for a C, or a C for it (C an int,
// the cell's type a `type celsius int` with a String method): such a value
// is an interp.valueInterface to compiled code, which cellrt.IsCell tells.
// nil when x.(C) needs no check.
func (e *emitter) concreteAssertion(c *astutil.Cursor, ta *ast.TypeAssertExpr, t types.Type) ast.Expr {
	if _, ok := t.Underlying().(*types.Struct); ok {
		return nil
	}
	if _, ok := t.(*types.Pointer); ok {
		return nil
	}
	withMethods := func(n types.Type) bool {
		return types.NewMethodSet(n).Len() > 0 || types.NewMethodSet(types.NewPointer(n)).Len() > 0
	}
	var want string // "!" when a match must not be a cell's value
	var cellNames []string
	if isSessionType(t) {
		if !withMethods(t) {
			return nil
		}
		want = ""
	} else {
		for _, tn := range e.sessionTypes() {
			if withMethods(tn.Type()) && types.Identical(tn.Type().Underlying(), t) {
				cellNames = append(cellNames, runtimeTypeName(tn.Type()))
			}
		}
		if len(cellNames) == 0 {
			return nil
		}
		want = "!"
	}
	commaOK := false
	switch p := c.Parent().(type) {
	case *ast.AssignStmt:
		commaOK = len(p.Lhs) == 2 && len(p.Rhs) == 1
	case *ast.ValueSpec:
		commaOK = len(p.Names) == 2 && len(p.Values) == 1
	}
	rt := e.importAlias(RuntimePath, "cellrt")
	ts := e.typeString(t)
	cond := "if _, ok := _gl_v.(" + ts + "); ok && " + want + rt + ".IsCell(_gl_v) { "
	var src string
	if commaOK {
		src = "func() (" + ts + ", bool) { _gl_v := _gl_X\n" + cond + "return _gl_v.(" + ts + "), true }\nvar z " + ts + "; return z, false }"
	} else {
		static := "interface {}"
		if xt := e.c.info.TypeOf(ta.X); xt != nil {
			static = runtimeTypeName(xt)
		}
		dyn := "" // a compiled value: its own type
		if want == "!" {
			dyn = cellNames[0]
			if len(cellNames) > 1 {
				dyn = "a type declared in a cell"
			}
		}
		goName := runtimeTypeName(t)
		src = "func() " + ts + " { _gl_v := _gl_X\n" + cond + "return _gl_v.(" + ts + ") }\n" + rt + ".ConcreteFailed(_gl_v, " + quote(static) + ", " + quote(dyn) + ", " + quote(goName) + "); panic(0) }"
	}
	return e.assertCall(src, ta)
}

// anyWord is the predeclared any in a type's text.
var anyWord = regexp.MustCompile(`(^|[^.\w])any\b`)

// runtimeTypeName writes t as Go's runtime names it in panics: main.T,
// interface {} for any.
func runtimeTypeName(t types.Type) string {
	s := types.TypeString(t, func(p *types.Package) string { return p.Name() })
	return anyWord.ReplaceAllString(s, "${1}interface {}")
}

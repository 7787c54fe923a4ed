package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Pass monomorphize: yaegi v0.16.1 runs generic code wrongly or not at
// all (CFG post-order panics, "type not found: main.Chan[int]",
// "incomplete type Src[int]", type switches on a type parameter that pick
// the wrong case, methods of generic types lost). yaegi never sees a type
// parameter: every generic function, generic type and its methods that a
// cell declares is given to it as one concrete copy per instantiation
// (transitively: generic code calling generic code), with the type
// arguments substituted, and every use points at the copy:
//
//	func Max[T cmp.Ordered](a, b T) T {...}     ->  func _gl_i1_Max(a, b int) int {...}
//	type List[T any] struct{ next *List[T] }    ->  type _gl_i2_List struct{ next *_gl_i2_List }
//	Max(1, 2); var l List[int]                  ->  _gl_i1_Max(1, 2); var l _gl_i2_List
//
// The copies are type-checked with the session (one more check, only for
// cells that use generics), so the other passes see them as ordinary code.
// An instance is given to yaegi in the first cell that needs it and kept
// (Session.mono); a generic declared again, or given again because a type
// it uses changed, makes new instances. %T and cellfmt print the Go names
// (main.List[int]) through goNames.
//
// Refused (with %%run suggested): a type argument declared inside a
// function or unexported in another package (a copy at top level cannot
// name it), a type switch case on a type parameter that is an interface
// (yaegi matches no interpreted interface there), copies that do not
// type-check (a constant that overflows once T is known), and instances
// that grow without end (F[T] calling F[[]T]). An embedded instance is
// named for its copy in yaegi (s.E -> s._gl_i3_E); fmt prints "E".
var passMonomorphize = pass{"monomorphize", func(*emitter, ast.Node) {}}

// monoState is what yaegi holds of the session's generic code.
type monoState struct {
	locals map[string]string // a type declared in a function (position) -> its top-level name
	inst   map[string]string // instance key -> the copy's name
	ver    map[string]int    // generic declaration (position) -> version
	insts  []monoRec         // the instances of generic types given
}

// monoRec is an instance of a generic type given to yaegi: a method
// declared in a later cell is added to it.
type monoRec struct {
	name  string
	gen   string       // the generic type's position
	targs []types.Type // as the cell that made it saw them
}

func (m monoState) clone() monoState {
	c := monoState{inst: map[string]string{}, ver: map[string]int{}, insts: m.insts[:len(m.insts):len(m.insts)], locals: map[string]string{}}
	for k, v := range m.locals {
		c.locals[k] = v
	}
	for k, v := range m.inst {
		c.inst[k] = v
	}
	for k, v := range m.ver {
		c.ver[k] = v
	}
	return c
}

// monoSeq numbers the copies of all sessions of the process, so that a
// copy's name means one instance in goNames.
var monoSeq atomic.Int64

// goNames maps a copy's name to its Go name ("_gl_i2_List" ->
// "main.List[int]"), for %T and cellfmt.
var goNames sync.Map

// goTypeName returns the Go name of a type a cell declares: the
// instance's for a copy.
func goTypeName(name string) string {
	if g, ok := goNames.Load(name); ok {
		return g.(string)
	}
	return "main." + name
}

// withGoNames writes a type's text as reflect does: the copies' names
// ("main._gl_i2_List") become the Go names, type arguments lose their spaces.
func withGoNames(s string) string {
	// reflect writes type arguments without spaces: main.Pair[string,int].
	s = strings.ReplaceAll(s, ", ", ",")
	if !strings.Contains(s, "_gl_") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_gl_")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := i + len("_gl_")
		for j < len(s) && (s[j] == '_' || s[j] >= '0' && s[j] <= '9' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
			j++
		}
		pre := s[:i]
		if g, ok := goNames.Load(s[i:j]); ok {
			pre = strings.TrimSuffix(pre, "main.")
			b.WriteString(pre)
			b.WriteString(g.(string))
			if out := b.String(); strings.HasPrefix(s[i:], "_gl_l") && strings.Count(out, "[")-strings.Count(out, "]") > strings.Count(out, "map[") {
				// A type argument declared in a function: Go writes
				// main.L·1, with a number the front end does not know.
				b.WriteString("·?")
			}
		} else {
			b.WriteString(s[:j])
		}
		s = s[j:]
	}
}

// genDecl is a generic declaration of the session.
type genDecl struct {
	file    *ast.File
	fn      *ast.FuncDecl   // a generic function
	spec    *ast.TypeSpec   // a generic type
	methods []*ast.FuncDecl // its methods
	mfiles  []*ast.File     // the files of its methods
}

// monoInst is one instance to give yaegi.
type monoInst struct {
	name  string
	gen   *genDecl
	sub   map[*types.TypeParam]types.Type
	goTxt string
}

type mono struct {
	e      *emitter
	info   *types.Info
	gens   map[string]*genDecl // position of the generic's name -> declaration
	queue  []*monoInst
	made   int
	synth  map[*ast.File]*ast.File // origin file -> file of its copies
	extra  map[*ast.File]map[string]string
	fail   []string
	failAt token.Pos
	drop   map[ast.Expr]bool
	hook   func(ast.Node) ast.Node
	chain  map[*ast.TypeSwitchStmt]bool
	seq    int
	at     token.Pos // the node collect is at, for refusals
	// locals are the types declared inside the given code's functions
	// (not generic ones), which can move to the top level.
	locals  map[types.Object]*localType
	hoisted []*localType
}

// localType is a type declared inside a function that a generic is
// instantiated with: it moves to the top level under a new name (Go's
// name for %T), and its uses follow.
type localType struct {
	obj  types.Object
	spec *ast.TypeSpec
	decl *ast.GenDecl
	name string
}

// isMainGeneric reports whether obj is a generic function or type declared
// at a cell's top level.
func isMainGeneric(obj types.Object) bool {
	if obj == nil || obj.Pkg() == nil || obj.Pkg().Path() != "main" || !isGeneric(obj) {
		return false
	}
	if f, ok := obj.(*types.Func); ok {
		return f.Type().(*types.Signature).Recv() == nil
	}
	return obj.Parent() == obj.Pkg().Scope()
}

// declIsGeneric reports whether a declaration is (or is a method of) a
// generic: those are never given to yaegi.
func declIsGeneric(d ast.Decl) bool {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Type.TypeParams != nil && len(d.Type.TypeParams.List) > 0 {
			return true
		}
		if d.Recv != nil && len(d.Recv.List) == 1 {
			t := ast.Unparen(d.Recv.List[0].Type)
			if s, ok := t.(*ast.StarExpr); ok {
				t = ast.Unparen(s.X)
			}
			switch t.(type) {
			case *ast.IndexExpr, *ast.IndexListExpr:
				return true
			}
		}
	case *ast.GenDecl:
		if d.Tok != token.TYPE {
			return false
		}
		for _, sp := range d.Specs {
			if ts := sp.(*ast.TypeSpec); ts.TypeParams != nil && len(ts.TypeParams.List) > 0 {
				return true
			}
		}
	}
	return false
}

// splitGeneric takes the generic specs out of a type declaration, which
// may hold both.
func splitGeneric(d ast.Decl) ast.Decl {
	gd, ok := d.(*ast.GenDecl)
	if !ok || gd.Tok != token.TYPE {
		return nil
	}
	var specs []ast.Spec
	for _, sp := range gd.Specs {
		if ts := sp.(*ast.TypeSpec); ts.TypeParams == nil || len(ts.TypeParams.List) == 0 {
			specs = append(specs, sp)
		}
	}
	if len(specs) == 0 {
		return nil
	}
	c := *gd
	c.Specs = specs
	if len(specs) > 1 && !c.Lparen.IsValid() {
		c.Lparen, c.Rparen = gd.Pos(), gd.End()
	}
	return &c
}

// posKey names a declaration by its position, stable across checks.
func (e *emitter) posKey(pos token.Pos) string {
	return e.s.fset.Position(pos).String()
}

// monomorphize returns the declarations to give yaegi: the non-generic
// ones of decls, then the new concrete copies. redo are the committed
// declarations given again (their generics get new instances).
func (e *emitter) monomorphize(decls, redo []ast.Decl) []ast.Decl {
	var keep []ast.Decl
	need := false
	for _, d := range decls {
		if declIsGeneric(d) {
			need = true
			if d := splitGeneric(d); d != nil {
				keep = append(keep, d)
			}
			continue
		}
		keep = append(keep, d)
	}
	for _, d := range redo {
		if declIsGeneric(d) {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					e.u.mono.ver[e.posKey(d.Name.Pos())]++
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					e.u.mono.ver[e.posKey(sp.(*ast.TypeSpec).Name.Pos())]++
				}
			}
		}
	}
	// The quick check: a cell that uses no generic of the session pays for
	// nothing more.
	for id, inst := range e.c.info.Instances {
		if inst.TypeArgs.Len() > 0 && isMainGeneric(genericOf(e.c.info, id)) {
			need = true
			break
		}
	}
	if !need {
		return keep
	}
	m := &mono{e: e, info: e.c.info, gens: map[string]*genDecl{}, synth: map[*ast.File]*ast.File{}, extra: map[*ast.File]map[string]string{}, drop: map[ast.Expr]bool{}, chain: map[*ast.TypeSwitchStmt]bool{}}
	m.index()
	// Seed: every instance the given code mentions.
	roots := append([]ast.Node{}, e.c.cur.body)
	for _, d := range keep {
		roots = append(roots, d)
	}
	m.locals = map[types.Object]*localType{}
	for _, r := range roots {
		ast.Inspect(r, func(n ast.Node) bool {
			if fd, ok := n.(*ast.FuncDecl); ok && declIsGeneric(fd) {
				return false
			}
			gd, ok := n.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				return true
			}
			for _, sp := range gd.Specs {
				ts := sp.(*ast.TypeSpec)
				if obj := m.info.Defs[ts.Name]; obj != nil && obj.Parent() != obj.Pkg().Scope() && !ts.Assign.IsValid() {
					m.locals[obj] = &localType{obj: obj, spec: ts, decl: gd}
				}
			}
			return true
		})
	}
	for _, r := range roots {
		m.collect(r, nil)
	}
	for _, h := range e.c.hoist {
		m.collectType(h.typ, nil)
	}
	// Copies, and what they need, until nothing is new.
	copies := m.newMethods()
	for len(m.queue) > 0 && len(m.fail) == 0 {
		in := m.queue[0]
		m.queue = m.queue[1:]
		copies = append(copies, m.copyInst(in)...)
		if m.made > 200 {
			m.refuse(in.gen.pos(), "generic code whose instances grow without end ("+in.goTxt+")")
		}
	}
	if len(m.fail) > 0 {
		e.refuse(m.failAt, m.fail[0])
		return keep
	}
	if len(m.hoisted) > 0 {
		copies = append(m.hoistDecls(roots), copies...)
	}
	if len(copies) > 0 {
		// Type-check the copies with the session: the other passes read
		// their types.
		files := append([]*cellFile{}, e.c.files...)
		for orig, f := range m.synth {
			var imps []ast.Spec
			for _, sp := range orig.Imports {
				imps = append(imps, &ast.ImportSpec{Name: sp.Name, Path: sp.Path})
			}
			for path, alias := range m.extra[orig] {
				imps = append(imps, &ast.ImportSpec{Name: ast.NewIdent(alias), Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(path)}})
			}
			if len(imps) > 0 {
				f.Decls = append([]ast.Decl{&ast.GenDecl{Tok: token.IMPORT, Specs: imps}}, f.Decls...)
			}
			files = append(files, &cellFile{file: f})
		}
		info := newInfo()
		pkg, errs := e.s.typeCheckPkg(files, info, func(te types.Error) bool {
			return !strings.Contains(te.Msg, "declared and not used")
		})
		if len(errs) > 0 {
			e.refuse(copies[0].Pos(), "generic code that cannot be made concrete for the interpreter ("+errs[0].Msg+")")
			return keep
		}
		e.c.info, e.c.pkg = info, pkg
		m.info = info
	}
	// Uses point at the copies.
	for _, r := range roots {
		m.rewriteUses(r)
	}
	for _, d := range copies {
		m.rewriteUses(d) // nothing generic is left in them; for the types' info
	}
	// Types first: yaegi v0.16.1 wants a type declared before code using it.
	var tdecls, funcs []ast.Decl
	for _, d := range copies {
		if _, ok := d.(*ast.GenDecl); ok {
			tdecls = append(tdecls, d)
		} else {
			funcs = append(funcs, d)
		}
	}
	return append(append(append([]ast.Decl{}, tdecls...), keep...), funcs...)
}

func (g *genDecl) pos() token.Pos {
	if g.fn != nil {
		return g.fn.Name.Pos()
	}
	return g.spec.Name.Pos()
}

// genericOf returns the generic object an instantiated identifier uses.
func genericOf(info *types.Info, id *ast.Ident) types.Object {
	switch o := info.Uses[id].(type) {
	case *types.Func:
		return o.Origin()
	case *types.TypeName:
		if n, ok := types.Unalias(o.Type()).(*types.Named); ok {
			return n.Origin().Obj()
		}
		return o
	}
	return nil
}

// index finds the session's generic declarations.
func (m *mono) index() {
	files := m.e.c.files
	var methods []*ast.FuncDecl
	var mfile []*ast.File
	for _, cf := range files {
		for _, d := range cf.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !declIsGeneric(d) {
					continue
				}
				if d.Recv == nil {
					m.gens[m.e.posKey(d.Name.Pos())] = &genDecl{file: cf.file, fn: d}
				} else {
					methods = append(methods, d)
					mfile = append(mfile, cf.file)
				}
			case *ast.GenDecl:
				if d.Tok != token.TYPE {
					continue
				}
				for _, sp := range d.Specs {
					ts := sp.(*ast.TypeSpec)
					if ts.TypeParams != nil && len(ts.TypeParams.List) > 0 {
						m.gens[m.e.posKey(ts.Name.Pos())] = &genDecl{file: cf.file, spec: ts}
					}
				}
			}
		}
	}
	for i, fd := range methods {
		f, ok := m.info.Defs[fd.Name].(*types.Func)
		if !ok {
			continue
		}
		n := recvNamed(f)
		if n == nil {
			continue
		}
		if g := m.gens[m.e.posKey(n.Origin().Obj().Pos())]; g != nil {
			g.methods = append(g.methods, fd)
			g.mfiles = append(g.mfiles, mfile[i])
		}
	}
}

func (m *mono) refuse(pos token.Pos, what string) {
	if len(m.fail) == 0 {
		m.failAt = pos
	}
	m.fail = append(m.fail, what)
}

// collect registers the instances a tree mentions, with the type
// parameters of sub replaced.
func (m *mono) collect(root ast.Node, sub map[*types.TypeParam]types.Type) {
	ast.Inspect(root, func(n ast.Node) bool {
		if n != nil {
			m.at = n.Pos()
		}
		switch n := n.(type) {
		case *ast.Ident:
			if inst, ok := m.info.Instances[n]; ok {
				if obj := genericOf(m.info, n); isMainGeneric(obj) {
					var args []types.Type
					for i := range inst.TypeArgs.Len() {
						args = append(args, subst(inst.TypeArgs.At(i), sub))
					}
					m.instance(obj, args, n.Pos())
				}
				for i := range inst.TypeArgs.Len() {
					m.collectType(subst(inst.TypeArgs.At(i), sub), nil)
				}
			}
			if obj := m.info.Defs[n]; obj != nil {
				m.collectType(subst(obj.Type(), sub), nil)
			}
		}
		if x, ok := n.(ast.Expr); ok {
			if tv, ok := m.info.Types[x]; ok && tv.Type != nil {
				m.collectType(subst(tv.Type, sub), nil)
			}
		}
		return true
	})
}

// collectType registers the instances a concrete type mentions.
func (m *mono) collectType(t types.Type, seen map[types.Type]bool) {
	if t == nil {
		return
	}
	if seen == nil {
		seen = map[types.Type]bool{}
	}
	if seen[t] {
		return
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Named:
		if t.TypeArgs().Len() == 0 {
			return
		}
		var args []types.Type
		for i := range t.TypeArgs().Len() {
			args = append(args, t.TypeArgs().At(i))
			m.collectType(t.TypeArgs().At(i), seen)
		}
		if isMainGeneric(t.Origin().Obj()) {
			m.instance(t.Origin().Obj(), args, token.NoPos)
		}
	case *types.Alias:
		m.collectType(types.Unalias(t), seen)
	case *types.Pointer:
		m.collectType(t.Elem(), seen)
	case *types.Slice:
		m.collectType(t.Elem(), seen)
	case *types.Array:
		m.collectType(t.Elem(), seen)
	case *types.Chan:
		m.collectType(t.Elem(), seen)
	case *types.Map:
		m.collectType(t.Key(), seen)
		m.collectType(t.Elem(), seen)
	case *types.Signature:
		m.collectType(t.Params(), seen)
		m.collectType(t.Results(), seen)
	case *types.Tuple:
		for i := range t.Len() {
			m.collectType(t.At(i).Type(), seen)
		}
	case *types.Struct:
		for i := range t.NumFields() {
			m.collectType(t.Field(i).Type(), seen)
		}
	case *types.Interface:
		for i := range t.NumExplicitMethods() {
			m.collectType(t.ExplicitMethod(i).Type(), seen)
		}
	}
}

// instKey names an instance: the generic's position and version, and the
// type arguments as yaegi knows them.
func (e *emitter) instKey(obj types.Object, args []types.Type) string {
	pk := e.posKey(obj.Pos())
	var b strings.Builder
	fmt.Fprintf(&b, "%s#%d[", pk, e.u.mono.ver[pk])
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.typeString(a))
	}
	b.WriteString("]")
	return b.String()
}

// instName returns the copy's name for an instance of a generic type of
// the session, "" when there is none.
func (e *emitter) instName(n *types.Named) string {
	if e.u.mono.inst == nil || !isMainGeneric(n.Origin().Obj()) {
		return ""
	}
	var args []types.Type
	for i := range n.TypeArgs().Len() {
		args = append(args, n.TypeArgs().At(i))
	}
	return e.u.mono.inst[e.instKey(n.Origin().Obj(), args)]
}

// instance returns the copy's name of obj[args], registering the instance
// when it is new.
func (m *mono) instance(obj types.Object, args []types.Type, at token.Pos) string {
	for _, a := range args {
		if hasTypeParam(a) {
			return "" // inside a generic body: its copies say what it is
		}
	}
	for _, a := range args {
		m.collectType(a, nil) // nested instances first: the key uses their names
		if why := m.unnameable(a); why != "" {
			if !at.IsValid() {
				at = m.at
			}
			if !at.IsValid() {
				at = obj.Pos()
			}
			m.refuse(at, "a generic instantiated with "+why)
			return ""
		}
	}
	key := m.e.instKey(obj, args)
	if name, ok := m.e.u.mono.inst[key]; ok {
		return name
	}
	g := m.gens[m.e.posKey(obj.Pos())]
	if g == nil {
		m.refuse(obj.Pos(), "a generic whose declaration the front end cannot find ("+obj.Name()+")")
		return ""
	}
	name := fmt.Sprintf("_gl_i%d_%s", monoSeq.Add(1), obj.Name())
	m.e.u.mono.inst[key] = name
	var tps *types.TypeParamList
	switch o := obj.(type) {
	case *types.Func:
		tps = o.Type().(*types.Signature).TypeParams()
	case *types.TypeName:
		tps = o.Type().(*types.Named).TypeParams()
	}
	sub := map[*types.TypeParam]types.Type{}
	for i := range tps.Len() {
		sub[tps.At(i)] = args[i]
	}
	goTxt := "main." + obj.Name() + "["
	for i, a := range args {
		if i > 0 {
			goTxt += ","
		}
		goTxt += types.TypeString(a, func(p *types.Package) string { return p.Name() })
		if m.hasLocal(a) {
			// Go writes main.L·1 for a type declared in a function, with
			// a number the front end does not know.
			goTxt += "·?"
		}
	}
	goTxt += "]"
	goNames.Store(name, goTxt)
	if g.spec != nil {
		m.e.u.mono.insts = append(m.e.u.mono.insts, monoRec{name: name, gen: m.e.posKey(obj.Pos()), targs: args})
	}
	m.queue = append(m.queue, &monoInst{name: name, gen: g, sub: sub, goTxt: goTxt})
	m.made++
	return name
}

// unnameable says why a top-level copy cannot name a type, or "".
func (m *mono) unnameable(t types.Type) string {
	why := ""
	var walk func(t types.Type, seen map[types.Type]bool)
	walk = func(t types.Type, seen map[types.Type]bool) {
		if why != "" || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Named:
			obj := t.Obj()
			if obj.Pkg() != nil && obj.Pkg().Path() == "main" && obj.Parent() != obj.Pkg().Scope() {
				if m.hoist(obj) == "" {
					why = "a type declared inside a function (" + obj.Name() + ")"
				}
				return
			}
			if obj.Pkg() != nil && obj.Pkg().Path() != "main" && !obj.Exported() {
				why = "an unexported type of another package (" + obj.Pkg().Name() + "." + obj.Name() + ")"
				return
			}
			for i := range t.TypeArgs().Len() {
				walk(t.TypeArgs().At(i), seen)
			}
		case *types.Alias:
			walk(types.Unalias(t), seen)
		case *types.Pointer:
			walk(t.Elem(), seen)
		case *types.Slice:
			walk(t.Elem(), seen)
		case *types.Array:
			walk(t.Elem(), seen)
		case *types.Chan:
			walk(t.Elem(), seen)
		case *types.Map:
			walk(t.Key(), seen)
			walk(t.Elem(), seen)
		case *types.Signature:
			walk(t.Params(), seen)
			walk(t.Results(), seen)
		case *types.Tuple:
			for i := range t.Len() {
				walk(t.At(i).Type(), seen)
			}
		case *types.Struct:
			for i := range t.NumFields() {
				walk(t.Field(i).Type(), seen)
			}
		case *types.Interface:
			for i := range t.NumExplicitMethods() {
				walk(t.ExplicitMethod(i).Type(), seen)
			}
		}
	}
	walk(t, map[types.Type]bool{})
	return why
}

// copyInst returns the concrete declarations of an instance.
func (m *mono) copyInst(in *monoInst) []ast.Decl {
	var out []ast.Decl
	add := func(file *ast.File, d ast.Decl) {
		f := m.synth[file]
		if f == nil {
			f = &ast.File{Name: ast.NewIdent("main")}
			m.synth[file] = f
		}
		f.Decls = append(f.Decls, d)
		out = append(out, d)
	}
	if g := in.gen; g.fn != nil {
		// Without the type parameter list: constraints are not copied.
		tps := g.fn.Type.TypeParams
		g.fn.Type.TypeParams = nil
		m.collect(g.fn, in.sub)
		fd := m.clone(g.fn, in.sub, in.gen.file, nil).(*ast.FuncDecl)
		g.fn.Type.TypeParams = tps
		fd.Name = &ast.Ident{NamePos: g.fn.Name.Pos(), Name: in.name}
		add(g.file, fd)
	} else {
		tps := g.spec.TypeParams
		g.spec.TypeParams = nil
		m.collect(g.spec, in.sub)
		ts := m.clone(g.spec, in.sub, in.gen.file, nil).(*ast.TypeSpec)
		g.spec.TypeParams = tps
		ts.Name = &ast.Ident{NamePos: g.spec.Name.Pos(), Name: in.name}
		add(g.file, &ast.GenDecl{TokPos: g.spec.Pos(), Tok: token.TYPE, Specs: []ast.Spec{ts}})
		for k, md := range g.methods {
			if c := m.copyMethod(in, md, g.mfiles[k]); c != nil {
				add(g.mfiles[k], c)
			}
		}
	}
	return out
}

// copyMethod returns the copy of a generic type's method for an instance.
func (m *mono) copyMethod(in *monoInst, md *ast.FuncDecl, file *ast.File) *ast.FuncDecl {
	f, ok := m.info.Defs[md.Name].(*types.Func)
	if !ok {
		return nil
	}
	rtps := f.Type().(*types.Signature).RecvTypeParams()
	tps := in.gen.typeParams(m.info)
	sub := map[*types.TypeParam]types.Type{}
	for i := range rtps.Len() {
		sub[rtps.At(i)] = in.sub[tps.At(i)]
	}
	m.collect(md, sub)
	rt := ast.Unparen(md.Recv.List[0].Type)
	star := false
	if s, ok := rt.(*ast.StarExpr); ok {
		rt, star = ast.Unparen(s.X), true
	}
	var recvType ast.Expr = &ast.Ident{NamePos: rt.Pos(), Name: in.name}
	if star {
		recvType = &ast.StarExpr{Star: md.Recv.List[0].Type.Pos(), X: recvType}
	}
	return m.clone(md, sub, file, map[ast.Node]ast.Node{md.Recv.List[0].Type: recvType}).(*ast.FuncDecl)
}

// newMethods copies the methods the cell declares for generic types
// declared before it to the instances earlier cells gave yaegi.
func (m *mono) newMethods() []ast.Decl {
	var out []ast.Decl
	cur := m.e.c.cur.file
	for _, d := range cur.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || !declIsGeneric(fd) {
			continue
		}
		f, ok := m.info.Defs[fd.Name].(*types.Func)
		if !ok {
			continue
		}
		n := recvNamed(f)
		if n == nil {
			continue
		}
		pk := m.e.posKey(n.Origin().Obj().Pos())
		g := m.gens[pk]
		if g == nil || m.e.s.fset.File(g.spec.Pos()) == m.e.s.fset.File(fd.Pos()) {
			continue // declared with its type: the instances made now have it
		}
		tps := g.typeParams(m.info)
		for _, r := range m.e.s.mono.insts {
			if r.gen != pk || len(r.targs) != tps.Len() {
				continue
			}
			in := &monoInst{name: r.name, gen: g, sub: map[*types.TypeParam]types.Type{}}
			for i := range tps.Len() {
				in.sub[tps.At(i)] = r.targs[i]
			}
			// The whole instance again for the checker (which does not
			// see what earlier cells gave yaegi); only the new method
			// for yaegi.
			for _, c := range m.copyInst(in) {
				if c, ok := c.(*ast.FuncDecl); ok && c.Recv != nil && c.Name.Name == fd.Name.Name {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// typeParams returns the type parameters of a generic type.
func (g *genDecl) typeParams(info *types.Info) *types.TypeParamList {
	return info.Defs[g.spec.Name].Type().(*types.Named).TypeParams()
}

// clone copies a generic declaration with its type parameters replaced
// and its uses of generics pointing at their copies.
func (m *mono) clone(n ast.Node, sub map[*types.TypeParam]types.Type, file *ast.File, override map[ast.Node]ast.Node) ast.Node {
	// Cases of a type switch that became the same type: the first wins.
	m.drop = map[ast.Expr]bool{}
	m.chain = map[*ast.TypeSwitchStmt]bool{}
	ast.Inspect(n, func(x ast.Node) bool {
		sw, ok := x.(*ast.TypeSwitchStmt)
		if !ok {
			return true
		}
		var seen []types.Type
		for _, st := range sw.Body.List {
			for _, ex := range st.(*ast.CaseClause).List {
				t := m.info.TypeOf(ex)
				if t == nil {
					continue // nil
				}
				if hasTypeParam(t) || m.impossible(sw, t, sub) {
					// yaegi v0.16.1 matches no interpreted interface and no
					// struct literal type in a type switch case: the copy
					// tests with v.(I).
					m.chain[sw] = true
				}
				t = subst(t, sub)
				dup := false
				for _, s := range seen {
					if types.Identical(s, t) {
						dup = true
					}
				}
				if dup {
					m.drop[ex] = true
				}
				seen = append(seen, t)
			}
		}
		return true
	})
	hook := func(x ast.Node) ast.Node {
		if r, ok := override[x]; ok {
			return r
		}
		switch x := x.(type) {
		case *ast.Ident:
			if m.drop[x] {
				return &ast.Ident{NamePos: x.Pos(), Name: "_gl_drop"}
			}
			if tn, ok := m.info.Uses[x].(*types.TypeName); ok {
				if tp, ok := tn.Type().(*types.TypeParam); ok {
					if t, ok := sub[tp]; ok {
						return m.typeAST(t, file, x.Pos())
					}
				}
			}
			if v, ok := m.info.Uses[x].(*types.Var); ok && v.IsField() && v.Embedded() {
				if name := m.embeddedField(v, sub); name != "" {
					return &ast.Ident{NamePos: x.Pos(), Name: name} // a key in a struct literal
				}
			}
			if inst, ok := m.info.Instances[x]; ok {
				if obj := genericOf(m.info, x); isMainGeneric(obj) {
					var args []types.Type
					for i := range inst.TypeArgs.Len() {
						args = append(args, subst(inst.TypeArgs.At(i), sub))
					}
					name := m.instance(obj, args, x.Pos())
					if m.committed(name) {
						return nil // stays generic for the checker (rewriteUses)
					}
					return &ast.Ident{NamePos: x.Pos(), Name: name}
				}
			}
		case *ast.TypeAssertExpr:
			// x.(T) that became impossible (T does not implement x's
			// interface) fails at run time in Go: any(x).(T) does too.
			if x.Type != nil {
				xt, tt := subst(m.info.TypeOf(x.X), sub), subst(m.info.TypeOf(x.Type), sub)
				if xt != nil && tt != nil && (hasTypeParam(m.info.TypeOf(x.X)) || hasTypeParam(m.info.TypeOf(x.Type))) && !assertable(xt, tt) {
					c := m.cloneNode(reflect.ValueOf(x).Elem(), sub, file, override).Interface().(ast.TypeAssertExpr)
					c.X = &ast.CallExpr{Fun: &ast.Ident{NamePos: x.Pos(), Name: "any"}, Lparen: x.Pos(), Args: []ast.Expr{c.X}, Rparen: x.Pos()}
					return &c
				}
			}
		case *ast.TypeSwitchStmt:
			if m.chain[x] {
				return m.typeSwitchChain(x, sub, file, override)
			}
		case *ast.SelectorExpr:
			if name := m.embeddedName(m.info.Selections[x], sub); name != "" {
				c := m.cloneNode(reflect.ValueOf(x).Elem(), sub, file, override).Interface().(ast.SelectorExpr)
				c.Sel = &ast.Ident{NamePos: x.Sel.Pos(), Name: name}
				return &c
			}
		case ast.Expr:
			if m.drop[x] {
				return &ast.Ident{NamePos: x.Pos(), Name: "_gl_drop"}
			}
			var id *ast.Ident
			switch ix := x.(type) {
			case *ast.IndexExpr:
				id, _ = ast.Unparen(ix.X).(*ast.Ident)
			case *ast.IndexListExpr:
				id, _ = ast.Unparen(ix.X).(*ast.Ident)
			}
			if id != nil {
				if _, ok := m.info.Instances[id]; ok && isMainGeneric(genericOf(m.info, id)) {
					if r := m.hook(id); r == nil {
						return nil // a committed instance
					}
					r := m.cloneNode(reflect.ValueOf(ast.Node(id)), sub, file, override)
					return r.Interface().(ast.Node)
				}
			}
		}
		return nil
	}
	m.hook = hook
	out := m.cloneNode(reflect.ValueOf(&n).Elem(), sub, file, override).Interface().(ast.Node)
	// Drop the cases marked above.
	ast.Inspect(out, func(x ast.Node) bool {
		sw, ok := x.(*ast.TypeSwitchStmt)
		if !ok {
			return true
		}
		var list []ast.Stmt
		for _, st := range sw.Body.List {
			cc := st.(*ast.CaseClause)
			var keep []ast.Expr
			for _, ex := range cc.List {
				if id, ok := ex.(*ast.Ident); ok && id.Name == "_gl_drop" {
					continue
				}
				keep = append(keep, ex)
			}
			if cc.List != nil && len(keep) == 0 {
				continue
			}
			cc.List = keep
			list = append(list, cc)
		}
		sw.Body.List = list
		return true
	})
	return out
}

func (m *mono) cloneNode(v reflect.Value, sub map[*types.TypeParam]types.Type, file *ast.File, override map[ast.Node]ast.Node) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		switch v.Interface().(type) {
		case *ast.Object, *ast.Scope:
			return reflect.Zero(v.Type())
		}
		if n, ok := v.Interface().(ast.Node); ok && m.hook != nil {
			if r := m.hook(n); r != nil {
				rv := reflect.ValueOf(r)
				if rv.Type().AssignableTo(v.Type()) {
					return rv
				}
			}
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(m.cloneNode(v.Elem(), sub, file, override))
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		if n, ok := v.Interface().(ast.Node); ok && m.hook != nil {
			if r := m.hook(n); r != nil {
				if rv := reflect.ValueOf(r); rv.Type().AssignableTo(v.Type()) {
					out := reflect.New(v.Type()).Elem()
					out.Set(rv)
					return out
				}
			}
		}
		r := m.cloneNode(v.Elem(), sub, file, override)
		out := reflect.New(v.Type()).Elem()
		if r.Type().AssignableTo(v.Type()) {
			out.Set(r)
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(m.cloneNode(v.Field(i), sub, file, override))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(m.cloneNode(v.Index(i), sub, file, override))
		}
		return out
	}
	return v
}

// typeAST writes a concrete type as an expression the copy's file
// resolves (its imports, plus aliases for the type arguments' packages).
func (m *mono) typeAST(t types.Type, file *ast.File, pos token.Pos) ast.Expr {
	var b strings.Builder
	m.writeType(&b, t, file)
	x, err := parser.ParseExpr(b.String())
	if err != nil {
		m.refuse(pos, "a type argument the front end cannot write ("+b.String()+")")
		return ast.NewIdent("int")
	}
	setPos(x, pos)
	return x
}

// setPos moves a parsed expression to pos (its own positions mean nothing
// in the session's file set).
func setPos(n ast.Node, pos token.Pos) {
	ast.Inspect(n, func(x ast.Node) bool {
		v := reflect.ValueOf(x)
		if v.Kind() != reflect.Pointer || v.IsNil() {
			return true
		}
		s := v.Elem()
		for i := range s.NumField() {
			if s.Field(i).Type() == reflect.TypeOf(token.Pos(0)) && s.Field(i).CanSet() && token.Pos(s.Field(i).Int()).IsValid() {
				s.Field(i).SetInt(int64(pos))
			}
		}
		return true
	})
}

func (m *mono) writeType(b *strings.Builder, t types.Type, file *ast.File) {
	alias := func(path string) string {
		if m.extra[file] == nil {
			m.extra[file] = map[string]string{}
		}
		a := "_gl_m_" + strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(path)
		m.extra[file][path] = a
		return a
	}
	w := &typeWriter{
		unsafe: func(b *strings.Builder) { b.WriteString(alias("unsafe") + ".Pointer") },
		other: func(b *strings.Builder, t types.Type) {
			m.refuse(token.NoPos, "a type argument the front end cannot write ("+t.String()+")")
			b.WriteString("int")
		},
	}
	w.named = func(b *strings.Builder, t *types.Named) {
		obj := t.Obj()
		if t.TypeArgs().Len() > 0 && isMainGeneric(t.Origin().Obj()) {
			var args []types.Type
			for i := range t.TypeArgs().Len() {
				args = append(args, t.TypeArgs().At(i))
			}
			if name := m.instance(t.Origin().Obj(), args, token.NoPos); !m.committed(name) {
				b.WriteString(name)
				return
			}
			// A committed instance: yaegi has it, the checker sees it
			// generic (rewriteUses points at the copy).
		}
		switch {
		case obj.Pkg() == nil:
			b.WriteString(obj.Name())
		case obj.Pkg().Path() == "main" && obj.Parent() != obj.Pkg().Scope():
			if name := m.hoist(obj); name != "" {
				b.WriteString(name)
			} else {
				m.refuse(token.NoPos, "a type declared inside a function ("+obj.Name()+") in generic code")
				b.WriteString(obj.Name())
			}
		case obj.Pkg().Path() == "main":
			b.WriteString(obj.Name())
		default:
			b.WriteString(alias(obj.Pkg().Path()) + "." + obj.Name())
		}
		w.typeArgs(b, t)
	}
	w.write(b, t)
}

// rewriteUses points the given code at the copies: an instantiated
// generic (Max[int], Max, List[int]) becomes the copy's name.
func (m *mono) rewriteUses(root ast.Node) {
	info := m.info
	var walk func(n ast.Node)
	replace := func(x ast.Expr) ast.Expr {
		var id *ast.Ident
		switch ix := x.(type) {
		case *ast.Ident:
			id = ix
		case *ast.IndexExpr:
			id, _ = ast.Unparen(ix.X).(*ast.Ident)
		case *ast.IndexListExpr:
			id, _ = ast.Unparen(ix.X).(*ast.Ident)
		}
		if id == nil {
			return nil
		}
		inst, ok := info.Instances[id]
		if !ok {
			return nil
		}
		obj := genericOf(info, id)
		if !isMainGeneric(obj) {
			return nil
		}
		var args []types.Type
		for i := range inst.TypeArgs.Len() {
			args = append(args, inst.TypeArgs.At(i))
		}
		name := m.e.u.mono.inst[m.e.instKey(obj, args)]
		if name == "" {
			return nil
		}
		nid := &ast.Ident{NamePos: x.Pos(), Name: name}
		if o := m.e.c.pkg.Scope().Lookup(name); o != nil {
			info.Uses[nid] = o
		}
		if tv, ok := info.Types[x]; ok {
			info.Types[nid] = tv
		}
		return nid
	}
	walk = func(n ast.Node) {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if name := m.embeddedName(info.Selections[x], nil); name != "" {
				x.Sel = &ast.Ident{NamePos: x.Sel.Pos(), Name: name}
			}
		case *ast.KeyValueExpr:
			if id, ok := x.Key.(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok && v.IsField() && v.Embedded() {
					if name := m.embeddedField(v, nil); name != "" {
						x.Key = &ast.Ident{NamePos: id.Pos(), Name: name}
					}
				}
			}
		}
		v := reflect.ValueOf(n)
		if v.Kind() != reflect.Pointer || v.IsNil() {
			return
		}
		s := v.Elem()
		if s.Kind() != reflect.Struct {
			return
		}
		exprT := reflect.TypeOf((*ast.Expr)(nil)).Elem()
		for i := range s.NumField() {
			f := s.Field(i)
			switch {
			case f.Type() == exprT && !f.IsNil():
				if r := replace(f.Interface().(ast.Expr)); r != nil && f.CanSet() {
					f.Set(reflect.ValueOf(r))
					continue
				}
				walk(f.Interface().(ast.Node))
			case f.Kind() == reflect.Slice && f.Type().Elem() == exprT:
				for j := range f.Len() {
					e := f.Index(j)
					if e.IsNil() {
						continue
					}
					if r := replace(e.Interface().(ast.Expr)); r != nil {
						e.Set(reflect.ValueOf(r))
						continue
					}
					walk(e.Interface().(ast.Node))
				}
			case f.Kind() == reflect.Slice:
				for j := range f.Len() {
					if nn, ok := f.Index(j).Interface().(ast.Node); ok {
						walk(nn)
					}
				}
			case f.Kind() == reflect.Pointer || f.Kind() == reflect.Interface:
				if f.IsNil() {
					continue
				}
				if nn, ok := f.Interface().(ast.Node); ok {
					walk(nn)
				}
			}
		}
	}
	walk(root)
}

// subst replaces type parameters in t.
func subst(t types.Type, sub map[*types.TypeParam]types.Type) types.Type {
	if len(sub) == 0 || t == nil {
		return t
	}
	switch t := t.(type) {
	case *types.TypeParam:
		if r, ok := sub[t]; ok {
			return r
		}
		return t
	case *types.Alias:
		return subst(types.Unalias(t), sub)
	case *types.Named:
		if t.TypeArgs().Len() == 0 {
			return t
		}
		var args []types.Type
		changed := false
		for i := range t.TypeArgs().Len() {
			a := subst(t.TypeArgs().At(i), sub)
			changed = changed || a != t.TypeArgs().At(i)
			args = append(args, a)
		}
		if !changed {
			return t
		}
		r, err := types.Instantiate(nil, t.Origin(), args, false)
		if err != nil {
			return t
		}
		return r
	case *types.Pointer:
		return types.NewPointer(subst(t.Elem(), sub))
	case *types.Slice:
		return types.NewSlice(subst(t.Elem(), sub))
	case *types.Array:
		return types.NewArray(subst(t.Elem(), sub), t.Len())
	case *types.Chan:
		return types.NewChan(t.Dir(), subst(t.Elem(), sub))
	case *types.Map:
		return types.NewMap(subst(t.Key(), sub), subst(t.Elem(), sub))
	case *types.Tuple:
		if t == nil {
			return t
		}
		var vs []*types.Var
		for i := range t.Len() {
			v := t.At(i)
			vs = append(vs, types.NewVar(v.Pos(), v.Pkg(), v.Name(), subst(v.Type(), sub)))
		}
		return types.NewTuple(vs...)
	case *types.Signature:
		p := subst(t.Params(), sub).(*types.Tuple)
		r := subst(t.Results(), sub).(*types.Tuple)
		return types.NewSignatureType(nil, nil, nil, p, r, t.Variadic())
	case *types.Struct:
		var fs []*types.Var
		var tags []string
		for i := range t.NumFields() {
			f := t.Field(i)
			fs = append(fs, types.NewField(f.Pos(), f.Pkg(), f.Name(), subst(f.Type(), sub), f.Embedded()))
			tags = append(tags, t.Tag(i))
		}
		return types.NewStruct(fs, tags)
	case *types.Interface:
		if t.NumExplicitMethods() == 0 && t.NumEmbeddeds() == 0 {
			return t
		}
		var ms []*types.Func
		for i := range t.NumExplicitMethods() {
			fn := t.ExplicitMethod(i)
			ms = append(ms, types.NewFunc(fn.Pos(), fn.Pkg(), fn.Name(), subst(fn.Type(), sub).(*types.Signature)))
		}
		var es []types.Type
		for i := range t.NumEmbeddeds() {
			es = append(es, subst(t.EmbeddedType(i), sub))
		}
		return types.NewInterfaceType(ms, es).Complete()
	case *types.Union:
		var terms []*types.Term
		for i := range t.Len() {
			terms = append(terms, types.NewTerm(t.Term(i).Tilde(), subst(t.Term(i).Type(), sub)))
		}
		return types.NewUnion(terms)
	}
	return t
}

// embeddedName returns the copy's name when a selection is an embedded
// field whose type is an instance of a generic of the session: its field
// name is the copy's name in yaegi ("".E -> "._gl_i3_E").
func (m *mono) embeddedName(sel *types.Selection, sub map[*types.TypeParam]types.Type) string {
	if sel == nil || sel.Kind() != types.FieldVal {
		return ""
	}
	v, ok := sel.Obj().(*types.Var)
	if !ok || !v.Embedded() {
		return ""
	}
	return m.embeddedField(v, sub)
}

// embeddedField returns the copy's name of an embedded field written as
// an instance (E[int], not through an alias).
func (m *mono) embeddedField(v *types.Var, sub map[*types.TypeParam]types.Type) string {
	t := subst(v.Type(), sub)
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.TypeArgs().Len() == 0 || !isMainGeneric(n.Origin().Obj()) || n.Origin().Obj().Name() != v.Name() {
		return ""
	}
	var args []types.Type
	for i := range n.TypeArgs().Len() {
		args = append(args, n.TypeArgs().At(i))
	}
	return m.instance(n.Origin().Obj(), args, token.NoPos)
}

// fieldGoName returns a struct field's Go name: an embedded copy's field
// is named for its generic type.
func fieldGoName(name string) string {
	if g, ok := goNames.Load(name); ok {
		s := strings.TrimPrefix(g.(string), "main.")
		if i := strings.IndexByte(s, '['); i >= 0 {
			s = s[:i]
		}
		return s
	}
	return name
}

// committed reports whether a copy was given to yaegi by an earlier cell:
// the checker does not see it, so the copies made now name it as the
// generic instance it is.
func (m *mono) committed(name string) bool {
	if name == "" {
		return false
	}
	for _, n := range m.e.s.mono.inst {
		if n == name {
			return true
		}
	}
	return false
}

// typeSwitchChain writes a type switch whose cases yaegi cannot match (an
// interface) as a switch on comma-ok type assertions, which it can:
//
//	switch x := e.(type) { case I: A; case int, J: B; default: C }
//	->
//	switch _gl_ts1 := e; {
//	case _gl_ts1 != nil && func() bool { _, ok := any(_gl_ts1).(I); return ok }(): x := any(_gl_ts1).(I); _ = x; A
//	case ... int ... || ... J ...: x := _gl_ts1; _ = x; B
//	default: x := _gl_ts1; _ = x; C
//	}
func (m *mono) typeSwitchChain(sw *ast.TypeSwitchStmt, sub map[*types.TypeParam]types.Type, file *ast.File, override map[ast.Node]ast.Node) ast.Stmt {
	cl := func(n ast.Node) ast.Node {
		return m.cloneNode(reflect.ValueOf(&n).Elem(), sub, file, override).Interface().(ast.Node)
	}
	m.seq++
	v := fmt.Sprintf("_gl_ts%d", m.seq)
	bind, operand := switchParts(sw)
	vid := func() *ast.Ident { return &ast.Ident{NamePos: sw.Pos(), Name: v} }
	out := &ast.SwitchStmt{Switch: sw.Switch, Init: &ast.AssignStmt{Lhs: []ast.Expr{vid()}, Tok: token.DEFINE, Rhs: []ast.Expr{cl(operand).(ast.Expr)}}, Body: &ast.BlockStmt{Lbrace: sw.Body.Lbrace, Rbrace: sw.Body.Rbrace}}
	for _, st := range sw.Body.List {
		cc := st.(*ast.CaseClause)
		var conds []ast.Expr
		var single ast.Expr
		n := 0
		for _, ex := range cc.List {
			if m.drop[ex] {
				continue
			}
			n++
			if id, ok := ex.(*ast.Ident); ok && m.info.Uses[id] == types.Universe.Lookup("nil") {
				conds = append(conds, &ast.BinaryExpr{X: vid(), Op: token.EQL, Y: ast.NewIdent("nil")})
				continue
			}
			t := cl(ex).(ast.Expr)
			single = t
			if tt := subst(m.info.TypeOf(ex), sub); tt != nil && types.IsInterface(tt) && tt.Underlying().(*types.Interface).Empty() {
				// v.(any) is false in yaegi v0.16.1.
				conds = append(conds, &ast.BinaryExpr{X: vid(), Op: token.NEQ, Y: ast.NewIdent("nil")})
				single = ast.NewIdent("any")
				continue
			}
			test, err := parser.ParseExpr(v + " != nil && func() bool { _, ok := any(" + v + ").(_gl_T); return ok }()")
			if err != nil {
				panic(err)
			}
			setPos(test, ex.Pos())
			ast.Inspect(test, func(x ast.Node) bool {
				if ta, ok := x.(*ast.TypeAssertExpr); ok {
					ta.Type = t
				}
				return true
			})
			conds = append(conds, test)
		}
		if cc.List != nil && n == 0 {
			continue
		}
		var cond ast.Expr
		for _, c := range conds {
			if cond == nil {
				cond = c
			} else {
				cond = &ast.BinaryExpr{X: cond, Op: token.LOR, Y: c}
			}
		}
		var body []ast.Stmt
		if bind != nil {
			var val ast.Expr = vid()
			if id, ok := single.(*ast.Ident); ok && n == 1 && id.Name == "any" {
				val = &ast.CallExpr{Fun: ast.NewIdent("any"), Args: []ast.Expr{vid()}}
			} else if n == 1 && single != nil {
				val = &ast.TypeAssertExpr{X: &ast.CallExpr{Fun: ast.NewIdent("any"), Args: []ast.Expr{vid()}}, Type: cl(single).(ast.Expr)}
			}
			x := &ast.Ident{NamePos: bind.Pos(), Name: bind.Name}
			if obj := m.info.Implicits[cc]; obj != nil {
				x.Name = obj.Name()
			}
			body = append(body,
				&ast.AssignStmt{Lhs: []ast.Expr{x}, Tok: token.DEFINE, Rhs: []ast.Expr{val}},
				&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, Tok: token.ASSIGN, Rhs: []ast.Expr{&ast.Ident{Name: bind.Name}}})
		}
		for _, b := range cc.Body {
			body = append(body, cl(b).(ast.Stmt))
		}
		nc := &ast.CaseClause{Case: cc.Case, Colon: cc.Colon, Body: body}
		if cc.List != nil {
			nc.List = []ast.Expr{cond}
		}
		out.Body.List = append(out.Body.List, nc)
	}
	if sw.Init != nil {
		return &ast.BlockStmt{Lbrace: sw.Pos(), List: []ast.Stmt{cl(sw.Init).(ast.Stmt), out}, Rbrace: sw.End()}
	}
	return out
}

// impossible reports whether a type switch case became impossible once the
// type parameters are known (the operand's interface rules it out).
func (m *mono) impossible(sw *ast.TypeSwitchStmt, t types.Type, sub map[*types.TypeParam]types.Type) bool {
	var x ast.Expr
	switch a := sw.Assign.(type) {
	case *ast.AssignStmt:
		x = a.Rhs[0].(*ast.TypeAssertExpr).X
	case *ast.ExprStmt:
		x = a.X.(*ast.TypeAssertExpr).X
	}
	xt := m.info.TypeOf(x)
	if xt == nil {
		return false
	}
	return !assertable(subst(xt, sub), subst(t, sub))
}

// assertable reports whether x.(T) compiles for x of interface type xt.
func assertable(xt, t types.Type) bool {
	iface, ok := xt.Underlying().(*types.Interface)
	if !ok || types.IsInterface(t) {
		return true
	}
	return types.AssertableTo(iface, t)
}

// hoist returns the top-level name of a type declared inside a function of
// the given code, "" when it cannot move (declared in generic code).
func (m *mono) hoist(obj types.Object) string {
	l := m.locals[obj]
	if l == nil {
		return ""
	}
	if l.name == "" {
		l.name = fmt.Sprintf("_gl_l%d_%s", monoSeq.Add(1), obj.Name())
		goNames.Store(l.name, "main."+obj.Name())
		m.e.u.mono.local(m.e.posKey(obj.Pos()), l.name)
		m.hoisted = append(m.hoisted, l)
	}
	return l.name
}

// hoistDecls declares the hoisted types at the top level and points their
// uses there: the declaration inside the function goes.
func (m *mono) hoistDecls(roots []ast.Node) []ast.Decl {
	file := m.e.c.cur.file
	var out []ast.Decl
	for i := 0; i < len(m.hoisted); i++ { // writing one may hoist another
		l := m.hoisted[i]
		t := m.typeAST(l.obj.Type().Underlying(), file, l.spec.Pos())
		d := &ast.GenDecl{TokPos: l.spec.Pos(), Tok: token.TYPE, Specs: []ast.Spec{&ast.TypeSpec{Name: &ast.Ident{NamePos: l.spec.Name.Pos(), Name: l.name}, Type: t}}}
		out = append(out, d)
	}
	f := m.synth[file]
	if f == nil {
		f = &ast.File{Name: ast.NewIdent("main")}
		m.synth[file] = f
	}
	f.Decls = append(f.Decls, out...)
	names := map[types.Object]string{}
	drop := map[ast.Spec]bool{}
	for _, l := range m.hoisted {
		names[l.obj] = l.name
		drop[l.spec] = true
	}
	for _, r := range roots {
		ast.Inspect(r, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				if name, ok := names[m.info.Uses[n]]; ok {
					n.Name = name
				}
			case *ast.GenDecl:
				var specs []ast.Spec
				for _, sp := range n.Specs {
					if !drop[sp] {
						specs = append(specs, sp)
					}
				}
				if len(specs) != len(n.Specs) {
					if len(specs) == 0 {
						// type _ struct{}: a declaration with nothing in it.
						specs = []ast.Spec{&ast.TypeSpec{Name: &ast.Ident{NamePos: n.Pos(), Name: "_"}, Type: &ast.StructType{Fields: &ast.FieldList{}}}}
					}
					n.Specs = specs
				}
			}
			return true
		})
	}
	return out
}

func (m *monoState) local(pos, name string) {
	if m.locals == nil {
		m.locals = map[string]string{}
	}
	m.locals[pos] = name
}

// hasLocal reports whether a type argument mentions a type declared in a
// function.
func (m *mono) hasLocal(t types.Type) bool {
	return anyTypePart(t, func(t types.Type) bool {
		n, ok := t.(*types.Named)
		return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "main" && n.Obj().Parent() != n.Obj().Pkg().Scope()
	})
}

// recvNamed returns the named type whose method f is (T of T.M or (*T).M),
// nil when the receiver is not a named type.
func recvNamed(f *types.Func) *types.Named {
	recv := f.Type().(*types.Signature).Recv().Type()
	if p, ok := recv.(*types.Pointer); ok {
		recv = p.Elem()
	}
	n, _ := types.Unalias(recv).(*types.Named)
	return n
}

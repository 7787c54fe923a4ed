package cell

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"maps"
	"sort"
	"strconv"
	"strings"
)

// emitter turns a checked cell into source for yaegi.
type emitter struct {
	s    *Session
	c    *checked
	u    *Unit
	tmp  int
	imps map[string]bool // import paths the unit uses
	// prelude lists the declarations of generic.go.txt the unit uses.
	prelude map[string]bool
	// extra are declarations that passes generate (promotedMethods).
	extra []string
	// inits and main: the cell's func init (renamed) and where it
	// declares func main, which its runner calls (mainOnce).
	inits []*ast.Ident
	main  token.Pos
	// recovers: the session calls recover somewhere (this unit or an
	// earlier one), so a program can see a run-time panic's value.
	recovers bool
	// refusals are constructs the interpreter cannot run exactly: the
	// cell is rejected with them (see refuse).
	refusals ErrorList
	// flowed: pass ifaceAssert scanned the cell for values put into
	// interfaces (Session.inIface).
	flowed bool
}

// newName returns a fresh identifier for generated code.
func (e *emitter) newName(hint string) string {
	e.tmp++
	return fmt.Sprintf("_gl_%s%d", hint, e.tmp)
}

func (s *Session) emit(c *checked) (*Unit, error) {
	u := &Unit{
		ExecCount: c.cur.n,
		rec:       c.rec,
		yImports:  maps.Clone(s.yImports),
		yTypes:    maps.Clone(s.yTypes),
		yTypeN:    maps.Clone(s.yTypeN),
		yVars:     maps.Clone(s.yVars),
		yPrelude:  maps.Clone(s.yPrelude),
		mono:      s.mono.clone(),
		check:     c,
	}
	e := &emitter{s: s, c: c, u: u, imps: map[string]bool{}}

	// Which declarations to give yaegi: the new cell's, plus committed ones
	// that depend on a type the cell redefines (yaegi cannot redefine a
	// type or a method in place, so a new version of the type gets a new
	// name, and everything that mentions it is given again).
	changed := map[string]bool{}
	committedKeys := map[string]bool{}
	// Only the visible cells have names: a cell that declares nothing
	// (1+1) is left out, so this does not grow with every cell that ran.
	for _, r := range s.visible {
		for k := range r.names {
			committedKeys[k] = true
		}
	}
	for _, d := range c.cur.file.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.TYPE {
				for _, sp := range d.Specs {
					name := sp.(*ast.TypeSpec).Name.Name
					if _, ok := s.yTypes[name]; ok {
						changed[name] = true
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv != nil && (committedKeys[declKey(d)] || e.replacesForwarder(d)) {
				changed[recvTypeName(d.Recv.List[0].Type)] = true
			}
		}
	}
	// yaegi compiles constants into the code that uses them, and a
	// variable into code by its type: functions that use a redefined
	// constant, or a variable whose type changes, are given again too.
	for _, d := range c.cur.file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, name := range genDeclNames(gd) {
				if committedKeys[name] {
					changed[name] = true
				}
			}
		}
	}
	for _, h := range c.hoist {
		if old, ok := s.yVars[h.name]; ok && old != e.typeString(h.typ) {
			changed[h.name] = true
		}
	}
	var redo []ast.Decl // committed declarations to give again
	if len(changed) > 0 {
		// The rewrites below change the committed cells' trees.
		for _, r := range s.cells {
			r.cache = nil
		}
		redone := map[ast.Decl]bool{}
		for again := true; again; {
			again = false
			for _, f := range c.files[:len(c.files)-1] {
				for _, d := range f.file.Decls {
					if redone[d] || !mentions(d, changed) {
						continue
					}
					if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
						continue
					}
					redone[d] = true
					redo = append(redo, d)
					if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
						for _, sp := range gd.Specs {
							if n := sp.(*ast.TypeSpec).Name.Name; !changed[n] {
								changed[n] = true
								again = true
							}
						}
					}
				}
			}
		}
	}
	redo = e.indexRedo(redo)
	// New yaegi names for every type given (again).
	for _, d := range append(append([]ast.Decl{}, c.cur.file.Decls...), redo...) {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, sp := range gd.Specs {
				name := sp.(*ast.TypeSpec).Name.Name
				u.yTypeN[name]++
				if v := u.yTypeN[name]; v == 1 {
					u.yTypes[name] = name
				} else {
					u.yTypes[name] = fmt.Sprintf("%s_gl%d", name, v)
				}
			}
		}
	}

	// Rewrite what yaegi gets: the cell's declarations first (a function
	// given again must see a redefined constant), then the dependents.
	var decls []ast.Decl
	for _, d := range c.cur.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd == c.cur.body {
			continue
		}
		if gd, ok := d.(*ast.GenDecl); ok && (gd.Tok == token.IMPORT || gd.Tok == token.VAR) {
			continue // imports are global in yaegi; hoisted vars come below
		}
		decls = append(decls, d)
	}
	for _, d := range redo {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			// A variable of a redefined type starts again from its zero value.
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for _, id := range vs.Names {
					if obj := c.info.Defs[id]; obj != nil {
						delete(u.yVars, id.Name)
					}
				}
			}
		}
		decls = append(decls, d)
	}
	if !s.disabled[passMonomorphize.name] {
		decls = e.monomorphize(decls, redo)
	}
	body := c.cur.body.Body
	for _, d := range decls {
		refuseInexact(e, d)
		refuseDeferredClosure(e, d)
		refuseCallerFrames(e, d)
	}
	refuseInexact(e, body)
	refuseDeferredClosure(e, c.cur.body)
	refuseCallerFrames(e, c.cur.body)
	e.recovers = s.recovers || containsRecover(c.info, c.cur.body)
	for _, d := range decls {
		e.recovers = e.recovers || containsRecover(c.info, d)
	}
	s.recovers = e.recovers
	roots := []ast.Node{body}
	for _, d := range decls {
		roots = append(roots, d)
	}
	kinds := e.kindsOf(roots)
	for _, p := range passes {
		if s.disabled[p.name] || s.skips(p, kinds) {
			continue
		}
		for _, d := range decls {
			p.run(e, d)
		}
		p.run(e, body)
		kinds = e.kindsOf(roots) // the pass may have added nodes of any kind
	}
	if len(e.refusals) > 0 {
		return nil, e.refusals
	}
	e.rename(decls)
	e.rename([]ast.Node{body})

	// Hoisted variables.
	var vars bytes.Buffer
	defs := map[string]bool{} // names the body defines with a value
	for _, st := range c.cur.body.Body.List {
		if as, ok := st.(*ast.AssignStmt); ok {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					defs[id.Name] = true
				}
			}
		}
	}
	for _, h := range c.hoist {
		ts := e.typeString(h.typ)
		if u.yVars[h.name] == ts && defs[h.name] {
			continue
		}
		u.yVars[h.name] = ts
		fmt.Fprintf(&vars, "var %s %s\n", h.name, ts)
	}
	for _, d := range redo {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				if vs.Type == nil {
					continue
				}
				for _, id := range vs.Names {
					if obj := c.info.Defs[id]; obj != nil && id.Name != "_" {
						ts := e.typeString(obj.Type())
						u.yVars[id.Name] = ts
					}
				}
			}
		}
	}

	// Print.
	var out bytes.Buffer
	out.WriteString("package main\n\n")
	// A new name each time: a unit that is prepared but never committed
	// may still have been given to yaegi.
	s.runs++
	runName := fmt.Sprintf("_gl_cell%d_%d", c.cur.n, s.runs)
	var code bytes.Buffer
	e.writePrelude(&code)
	for _, d := range decls {
		e.printNode(&code, d)
		code.WriteString("\n")
	}
	for _, d := range e.extra {
		code.WriteString(d)
	}
	// Variables after the types they use (yaegi v0.16.1 cannot instantiate
	// a generic type with a type declared further down).
	code.Write(vars.Bytes())
	u.OnlyRunner = code.Len() == 0
	resultType := ""
	if c.result != nil {
		resultType = " any"
		u.HasResult = true
		u.ResultFormatted = needsFormatting(c.info.Types[c.result].Type)
	}
	fmt.Fprintf(&code, "func %s()%s {\n", runName, resultType)
	for i, st := range body.List {
		if i == len(body.List)-1 && c.result != nil {
			var x ast.Expr
			switch st := st.(type) {
			case *ast.ExprStmt:
				x = st.X
			case *ast.AssignStmt:
				x = st.Rhs[0]
			}
			// Through a variable: `return <-ch` panics in yaegi v0.16.1.
			e.mark(&code, st.Pos())
			code.WriteString("_gl_res := ")
			e.printExpr(&code, x)
			code.WriteString("\nreturn ")
			if u.ResultFormatted {
				code.WriteString(e.importAlias("fmt", "fmt") + ".Sprint(_gl_res)")
			} else {
				code.WriteString("_gl_res")
			}
			code.WriteString("\n")
			continue
		}
		e.printNode(&code, st)
		code.WriteString("\n")
	}
	code.WriteString("}\n")

	// Imports used by the printed code, new to yaegi.
	var newImps []string
	for p := range e.imps {
		if _, ok := s.yImports[p]; !ok {
			newImps = append(newImps, p)
		}
	}
	sort.Strings(newImps)
	if len(newImps) > 0 {
		var imps bytes.Buffer
		imps.WriteString("package main\n\n")
		for _, p := range newImps {
			fmt.Fprintf(&imps, "import %s %q\n", u.yImports[p], p)
		}
		u.Imports = imps.String()
	}
	// yaegi keeps imports even when the rest of a unit fails, so the
	// session records them now.
	for _, p := range newImps {
		s.yImports[p] = u.yImports[p]
	}
	shift := bytes.Count(out.Bytes(), []byte("\n"))
	for i := range u.lines {
		u.lines[i].out += shift
	}
	out.Write(code.Bytes())
	u.Decls = out.String()
	u.Run = runName + "()"
	u.funcs = append(u.funcs, runName)
	for _, d := range decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			u.funcs = append(u.funcs, fd.Name.Name)
		}
	}
	return u, nil
}

// mentions reports whether a declaration uses one of the names.
func mentions(n ast.Node, names map[string]bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && names[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// importAlias returns the name under which yaegi knows an import path.
// Every import gets an alias of its own, because yaegi has one global
// scope: the cells' package names must not collide with each other or with
// the cells' own names.
func (e *emitter) importAlias(path, name string) string {
	e.imps[path] = true
	if a, ok := e.u.yImports[path]; ok {
		return a
	}
	used := map[string]bool{}
	for _, a := range e.u.yImports {
		used[a] = true
	}
	a := "_gl_" + strings.ReplaceAll(name, ".", "_")
	for i := 2; used[a]; i++ {
		a = fmt.Sprintf("_gl_%s%d", name, i)
	}
	e.u.yImports[path] = a
	return a
}

// rename gives identifiers their yaegi names: package names become import
// aliases, session types their current version.
func (e *emitter) rename(nodes any) {
	var list []ast.Node
	switch n := nodes.(type) {
	case []ast.Decl:
		for _, d := range n {
			list = append(list, d)
		}
	case []ast.Node:
		list = n
	}
	info := e.c.info
	for _, n := range list {
		qualified := map[*ast.Ident]bool{} // the Sel of pkg.Name
		ast.Inspect(n, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				qualified[sel.Sel] = true
			}
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			obj := info.Uses[id]
			if obj == nil {
				obj = info.Defs[id]
			}
			if obj != nil && !qualified[id] && obj.Pkg() != nil && obj.Pkg() != e.c.pkg && obj.Parent() == obj.Pkg().Scope() {
				// A name of a dot import (import . "fmt"; Println):
				// yaegi gets the package's alias, pkg.Name.
				id.Name = e.importAlias(obj.Pkg().Path(), obj.Pkg().Name()) + "." + id.Name
				return true
			}
			switch obj := obj.(type) {
			case *types.PkgName:
				id.Name = e.importAlias(obj.Imported().Path(), obj.Imported().Name())
			case *types.TypeName:
				if obj.Pkg() == e.c.pkg && obj.Parent() == e.c.pkg.Scope() {
					if y, ok := e.u.yTypes[obj.Name()]; ok {
						id.Name = y
					}
				}
			}
			return true
		})
	}
}

// typeString writes a type as yaegi knows it.
func (e *emitter) typeString(t types.Type) string {
	var b strings.Builder
	e.writeType(&b, t)
	return b.String()
}

func (e *emitter) writeType(b *strings.Builder, t types.Type) {
	e.types().write(b, t)
}

// types is the emitter's typeWriter: session types by their yaegi names,
// other packages' by their import aliases.
func (e *emitter) types() *typeWriter {
	w := &typeWriter{
		unsafe: func(b *strings.Builder) { b.WriteString(e.importAlias("unsafe", "unsafe") + ".Pointer") },
		other: func(b *strings.Builder, t types.Type) {
			if tp, ok := t.(*types.TypeParam); ok {
				b.WriteString(tp.Obj().Name())
				return
			}
			b.WriteString(types.TypeString(t, func(p *types.Package) string {
				return e.importAlias(p.Path(), p.Name())
			}))
		},
	}
	w.named = func(b *strings.Builder, t *types.Named) {
		obj := t.Obj()
		switch {
		case isIterSeq(t):
			w.write(b, t.Underlying())
			return
		case obj.Pkg() != nil && obj.Pkg().Path() != "main" && t.TypeArgs().Len() > 0 && e.usePrelude("_gl_"+pkgName(obj.Pkg().Path())+"_"+obj.Name()):
			// A generic type of the standard library (atomic.Pointer[T]).
			b.WriteString("_gl_" + pkgName(obj.Pkg().Path()) + "_" + obj.Name())
		case obj.Pkg() == nil:
			b.WriteString(obj.Name()) // error, comparable
		case obj.Pkg().Path() == "main" && t.TypeArgs().Len() > 0 && e.instName(t) != "":
			b.WriteString(e.instName(t)) // a copy (monomorphize)
			return
		case obj.Pkg().Path() == "main":
			if y, ok := e.u.yTypes[obj.Name()]; ok && obj.Parent() == obj.Pkg().Scope() {
				b.WriteString(y)
			} else if y, ok := e.u.mono.locals[e.posKey(obj.Pos())]; ok && obj.Parent() != obj.Pkg().Scope() {
				b.WriteString(y) // moved to the top level (monomorphize)
			} else {
				b.WriteString(obj.Name())
			}
		default:
			b.WriteString(e.importAlias(obj.Pkg().Path(), obj.Pkg().Name()))
			b.WriteString(".")
			b.WriteString(obj.Name())
		}
		w.typeArgs(b, t)
	}
	return w
}

// writeResults writes a signature's results, with a leading space.
func (e *emitter) writeResults(b *strings.Builder, sig *types.Signature) {
	e.types().results(b, sig)
}

// typeExpr returns a type as an expression for generated code: an
// identifier that holds the type's text, since the tree is only printed
// (and renaming leaves it alone, having no type information for it).
func (e *emitter) typeExpr(t types.Type) ast.Expr {
	return ast.NewIdent(e.typeString(t))
}

// mark records that the next line written to b comes from pos, so that
// the session can turn yaegi's positions into cell coordinates. (yaegi
// v0.16.1 cannot take //line directives: it scopes imports by file name.)
func (e *emitter) mark(b *bytes.Buffer, pos token.Pos) {
	if !pos.IsValid() {
		return
	}
	p := e.s.fset.Position(pos)
	c, ok := strings.CutPrefix(p.Filename, "cell ")
	if !ok {
		return
	}
	n, err := strconv.Atoi(c)
	if err != nil {
		return
	}
	e.u.lines = append(e.u.lines, lineMark{out: bytes.Count(b.Bytes(), []byte("\n")) + 1, cell: n, line: p.Line})
}

func (e *emitter) printNode(b *bytes.Buffer, n ast.Node) {
	e.mark(b, n.Pos())
	e.printExpr(b, n)
}

func (e *emitter) printExpr(b *bytes.Buffer, n ast.Node) {
	// Without the comments: printed apart from their file, they land in the
	// wrong places (and the cell's line directives are comments too).
	defer dropComments(n)()
	cfg := printer.Config{Mode: printer.RawFormat}
	if err := cfg.Fprint(b, e.s.fset, n); err != nil {
		fmt.Fprintf(b, "/* cell: cannot print: %v */", err)
	}
}

// where describes a position for runtime messages: "cell 3, line 4".
func (e *emitter) where(pos token.Pos) string {
	p := e.s.fset.Position(pos)
	if c, ok := strings.CutPrefix(p.Filename, "cell "); ok {
		return fmt.Sprintf("cell %s, line %d", c, p.Line)
	}
	return "cell " + strconv.Itoa(e.c.cur.n)
}

// A pass rewrites what yaegi gets. Each pass closes one gap of yaegi
// v0.16.1 and can be deleted when yaegi closes it.
type pass struct {
	name string
	run  func(e *emitter, n ast.Node)
}

var passes = []pass{
	passMainOnce, passMonomorphize, passTypeArgs, passRangeFunc, passMethodExpr, passErrorValue, passAssertValueError, passErrorsAsType, passRandN, passNewExpr, passPrintBuiltins, passMapCommaOk, passMapDeref, passErrors, passRecover, passFmtVerbs, passFmtNames, passGenericStd,
	passGoPanic, passGoFunc, passOsExit, passLoopFrame, passTypeSwitch, passIfaceAssert, passCommaOkZero, passIfaceEqual, passIfacesEqual, passRangeInt, passRangeChanSlice, passBuiltins, passSelect, passReturnRecv, passUnnamedParams, passMultiAssign, passRecvAssign, passBlankRecv, passRecvLogic, passPromotedMethods,
	passIndexBounds, passConstLen, passShiftTypes, passOpToIface, passDeferArgs,
}

// needsFormatting reports whether only the interpreter can show a value of
// type t: an interface, or a type declared in a cell with a String or
// Error method (fmt in the host would not call it).
func needsFormatting(t types.Type) bool {
	if types.IsInterface(t) {
		return true
	}
	base := t
	if p, ok := t.(*types.Pointer); ok {
		base = p.Elem()
	}
	n, ok := types.Unalias(base).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "main" {
		return false
	}
	for _, m := range []string{"String", "Error"} {
		if obj, _, _ := types.LookupFieldOrMethod(t, true, n.Obj().Pkg(), m); obj != nil {
			if _, ok := obj.(*types.Func); ok {
				return true
			}
		}
	}
	return false
}

// dropComments takes the comment groups off a tree and returns a function
// that puts them back (the session's trees keep their doc comments for
// Inspect).
func dropComments(n ast.Node) (restore func()) {
	var saved []**ast.CommentGroup
	var groups []*ast.CommentGroup
	take := func(p **ast.CommentGroup) {
		if *p != nil {
			saved = append(saved, p)
			groups = append(groups, *p)
			*p = nil
		}
	}
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			take(&n.Doc)
		case *ast.GenDecl:
			take(&n.Doc)
		case *ast.TypeSpec:
			take(&n.Doc)
			take(&n.Comment)
		case *ast.ValueSpec:
			take(&n.Doc)
			take(&n.Comment)
		case *ast.ImportSpec:
			take(&n.Doc)
			take(&n.Comment)
		case *ast.Field:
			take(&n.Doc)
			take(&n.Comment)
		}
		return true
	})
	return func() {
		for i, p := range saved {
			*p = groups[i]
		}
	}
}

package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// checked is the result of type-checking the session plus one new cell.
type checked struct {
	pkg   *types.Package
	info  *types.Info
	files []*cellFile // committed cells, then the new one
	cur   *cellFile
	rec   *cellRec
	// hoist lists the new cell's top-level variables.
	hoist []hoistVar
	// result is the final expression if it has a single value.
	result ast.Expr
}

type hoistVar struct {
	name string
	typ  types.Type
}

func newInfo() *types.Info {
	return &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Instances:  map[*ast.Ident]types.Instance{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Implicits:  map[ast.Node]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Scopes:     map[ast.Node]*types.Scope{},
	}
}

// committedFiles rebuilds the declarations of the committed cells: their
// func, type and const declarations minus the names later cells redefined,
// and their top-level variables as typed var declarations.
func (s *Session) committedFiles(redefined map[string]bool) ([]*cellFile, error) {
	for _, c := range s.cells[s.sorted:] {
		// A cell that declares and imports nothing (1+1, fmt.Println(x))
		// gives later cells nothing to see: leave it out, so that checking
		// a cell does not grow with the number of cells that ran before it.
		// Its imports are what later cells see of an imports-only cell.
		if len(c.names) > 0 || c.importing {
			s.visible = append(s.visible, c)
		}
		s.sorted++
	}
	var files []*cellFile
	for _, c := range s.visible {
		dead := maps.Clone(c.dead)
		maps.Copy(dead, redefined)
		// The parsed file is kept while the names it loses stay the same.
		var lost []string
		for name := range c.names {
			if dead[name] {
				lost = append(lost, name)
			}
		}
		sort.Strings(lost)
		key := strings.Join(lost, ",")
		if c.cache != nil && c.cacheKey == key {
			files = append(files, c.cache)
			continue
		}
		cf, err := buildFile(s.fset, c.n, c.src, false)
		if err != nil {
			return nil, err
		}
		dropDead(cf, dead)
		addImports(cf.file, c.imports)
		var specs []ast.Spec
		for _, h := range c.hoisted {
			if dead[h.name] {
				continue
			}
			t, err := parser.ParseExpr(h.typ)
			if err != nil {
				continue
			}
			specs = append(specs, &ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(h.name)}, Type: t})
			cf.defines[h.name] = true
		}
		if len(specs) > 0 {
			cf.file.Decls = append(cf.file.Decls, &ast.GenDecl{Tok: token.VAR, Specs: specs})
		}
		c.cache, c.cacheKey = cf, key
		files = append(files, cf)
	}
	return files, nil
}

// dropDead removes declarations of names that later cells redefined. A name
// in a const or var group becomes "_", which keeps iota and the other names.
func dropDead(cf *cellFile, dead map[string]bool) {
	if len(dead) == 0 {
		return
	}
	var decls []ast.Decl
	for _, d := range cf.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if dead[declKey(d)] || (d.Recv != nil && dead[recvTypeName(d.Recv.List[0].Type)+".*"]) {
				delete(cf.defines, declKey(d))
				continue
			}
		case *ast.GenDecl:
			var specs []ast.Spec
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					if dead[sp.Name.Name] {
						delete(cf.defines, sp.Name.Name)
						continue
					}
				case *ast.ValueSpec:
					for i, id := range sp.Names {
						if dead[id.Name] {
							delete(cf.defines, id.Name)
							sp.Names[i] = &ast.Ident{NamePos: id.NamePos, Name: "_"}
						}
					}
				}
				specs = append(specs, sp)
			}
			if len(specs) == 0 && d.Tok != token.IMPORT {
				continue
			}
			d.Specs = specs
		}
		decls = append(decls, d)
	}
	cf.file.Decls = decls
}

// addImports adds import specs to a file.
func addImports(f *ast.File, imps []importSpec) {
	if len(imps) == 0 {
		return
	}
	gd := &ast.GenDecl{Tok: token.IMPORT}
	for _, im := range imps {
		sp := &ast.ImportSpec{Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(im.path)}}
		if im.name != "" {
			sp.Name = ast.NewIdent(im.name)
		}
		gd.Specs = append(gd.Specs, sp)
		f.Imports = append(f.Imports, sp)
	}
	f.Decls = append([]ast.Decl{gd}, f.Decls...)
}

// check type-checks the session with a new cell, in two phases. Phase 1
// checks the cell's statements as the body of a function, which gives the
// types of the variables it declares at top level. Phase 2 declares those
// variables at package level (so the cell's functions and later cells see
// them) and turns their := into =. Phase 2's AST and types are the ones the
// rewrites use.
func (s *Session) check(n int, src string) (*checked, error) {
	rec := &cellRec{n: n, src: src, dead: map[string]bool{}}

	// Phase 1.
	cur, err := buildFile(s.fset, n, src, true)
	if err != nil {
		return nil, err
	}
	committed, err := s.committedFiles(cur.defines)
	if err != nil {
		return nil, err
	}
	if errs := checkImportable(s.fset, n, cur); len(errs) > 0 {
		return nil, errs
	}
	rec.imports = append(rec.imports, s.autoImports(committed, cur)...)
	addImports(cur.file, rec.imports)
	topDefs := topDefPositions(cur)
	// The final expression is the cell's result, not an unused value.
	resultUnused := func(e types.Error) bool {
		return cur.result != nil && e.Pos == cur.result.Pos() && strings.HasSuffix(e.Msg, "is not used")
	}
	keep1 := func(e types.Error) bool {
		if topDefs[e.Pos] && strings.HasPrefix(e.Msg, "declared and not used") {
			return false
		}
		if resultUnused(e) {
			return false
		}
		// Only errors in the statements (and imports) matter here; phase 2
		// reports the rest.
		return strings.Contains(e.Msg, "could not import") || (e.Pos >= cur.body.Body.Lbrace && e.Pos <= cur.body.Body.Rbrace)
	}
	keep2 := func(e types.Error) bool { return !resultUnused(e) }
	info1 := newInfo()
	files1 := append(committed, cur)
	pkg1, all := s.typeCheckAll(files1, info1)
	if errs := s.errorList(all, keep1); len(errs) > 0 {
		return nil, errs
	}
	if len(topDefs) == 0 {
		// No top-level variables: phase 2 would hoist nothing and check
		// the same file again. Phase 1's check is the final one.
		if errs := s.errorList(all, keep2); len(errs) > 0 {
			return nil, errs
		}
		return s.checkedCell(pkg1, info1, files1, cur, rec, nil), nil
	}
	hoist := topVars(cur, info1)
	// A package-level declaration that needs a top-level variable's type
	// (const n = cap(a) of a cell's var a) sees no such variable in phase 1,
	// and the variables whose types depend on it get none. Phase 1 runs
	// again with the variables typed so far declared at package level, as
	// phase 2 will declare them, until no more get a type.
	for typed := 0; ; {
		valid := 0
		for _, h := range hoist {
			if validType(h.typ) {
				valid++
			}
		}
		if valid == len(hoist) || valid <= typed {
			break
		}
		typed = valid
		cur, err = buildFile(s.fset, n, src, true)
		if err != nil {
			return nil, err
		}
		decl, _, need, err := hoistDecl(n, cur, rec.imports, hoist)
		if err != nil {
			return nil, err
		}
		topDefs = topDefPositions(cur)
		addImports(cur.file, append(slices.Clip(rec.imports), need...))
		cur.file.Decls = append(cur.file.Decls, decl)
		info1 = newInfo()
		_, all = s.typeCheckAll(append(committed, cur), info1)
		if errs := s.errorList(all, keep1); len(errs) > 0 {
			return nil, errs
		}
		hoist = topVars(cur, info1)
	}

	// Phase 2: a fresh parse of the cell, with the variables hoisted.
	cur, err = buildFile(s.fset, n, src, true)
	if err != nil {
		return nil, err
	}
	decl, declared, need, err := hoistDecl(n, cur, rec.imports, hoist)
	if err != nil {
		return nil, err
	}
	rec.hoisted = append(rec.hoisted, declared...)
	rec.imports = append(rec.imports, need...)
	addImports(cur.file, rec.imports)
	if len(decl.Specs) > 0 {
		cur.file.Decls = append(cur.file.Decls, decl)
	}
	// := becomes =, and var declarations become assignments.
	var list []ast.Stmt
	for _, st := range cur.body.Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				st.Tok = token.ASSIGN
			}
		case *ast.DeclStmt:
			gd := st.Decl.(*ast.GenDecl)
			if gd.Tok == token.VAR {
				for _, sp := range gd.Specs {
					vs := sp.(*ast.ValueSpec)
					if len(vs.Values) == 0 {
						continue
					}
					var lhs []ast.Expr
					for _, id := range vs.Names {
						lhs = append(lhs, id)
					}
					list = append(list, &ast.AssignStmt{Lhs: lhs, TokPos: vs.Names[0].End(), Tok: token.ASSIGN, Rhs: vs.Values})
				}
				continue
			}
		}
		list = append(list, st)
	}
	cur.body.Body.List = list

	info := newInfo()
	files := append(committed, cur)
	pkg, errs := s.typeCheckPkg(files, info, keep2)
	if len(errs) > 0 {
		return nil, errs
	}
	return s.checkedCell(pkg, info, files, cur, rec, hoist), nil
}

// topDefPositions returns the positions of the names a cell's top-level
// := and var statements declare.
func topDefPositions(cur *cellFile) map[token.Pos]bool {
	topDefs := map[token.Pos]bool{}
	for _, st := range cur.body.Body.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, e := range as.Lhs {
				topDefs[e.Pos()] = true
			}
		}
		if ds, ok := st.(*ast.DeclStmt); ok {
			for _, sp := range ds.Decl.(*ast.GenDecl).Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					for _, id := range vs.Names {
						topDefs[id.Pos()] = true
					}
				}
			}
		}
	}
	return topDefs
}

// topVars lists the variables a cell declares at top level (its := and
// var statements), with the types a check gave them.
func topVars(cur *cellFile, info *types.Info) []hoistVar {
	var hoist []hoistVar
	for _, st := range cur.body.Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				continue
			}
			for _, e := range st.Lhs {
				if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
					if obj := info.Defs[id]; obj != nil {
						hoist = append(hoist, hoistVar{id.Name, obj.Type()})
					}
				}
			}
		case *ast.DeclStmt:
			for _, sp := range st.Decl.(*ast.GenDecl).Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					for _, id := range vs.Names {
						if obj := info.Defs[id]; obj != nil && id.Name != "_" {
							hoist = append(hoist, hoistVar{id.Name, obj.Type()})
						}
					}
				}
			}
		}
	}
	return hoist
}

// hoistDecl declares the variables of hoist that have a valid type at
// package level (phase 1 reported why the others have none). It returns
// the declaration, the variables declared, and the imports their types
// need that the cell lacks (with imports, those the cell gets).
func hoistDecl(n int, cur *cellFile, imports []importSpec, hoist []hoistVar) (*ast.GenDecl, []hoisted, []importSpec, error) {
	hoistImports := map[string]string{} // path -> name
	fileImports := map[string]string{}  // path -> name in this file
	for _, im := range imports {
		fileImports[im.path] = im.name
	}
	for _, sp := range cur.file.Imports {
		p, _ := strconv.Unquote(sp.Path.Value)
		name := ""
		if sp.Name != nil {
			name = sp.Name.Name
		}
		fileImports[p] = name
	}
	qual := func(p *types.Package) string {
		if p.Path() == "main" {
			return ""
		}
		if name, ok := fileImports[p.Path()]; ok && name != "." {
			if name == "" {
				return p.Name()
			}
			return name
		}
		alias := "_gl_" + p.Name()
		hoistImports[p.Path()] = alias
		fileImports[p.Path()] = alias
		return alias
	}
	var specs []ast.Spec
	var declared []hoisted
	for _, h := range hoist {
		if !validType(h.typ) {
			continue // phase 1 reported why
		}
		ts := types.TypeString(h.typ, qual)
		t, err := parser.ParseExpr(ts)
		if err != nil {
			return nil, nil, nil, ErrorList{{Cell: n, Msg: "cannot declare " + h.name + " of type " + ts + " at top level"}}
		}
		specs = append(specs, &ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(h.name)}, Type: t})
		declared = append(declared, hoisted{h.name, ts})
	}
	var need []importSpec
	for p, name := range hoistImports {
		need = append(need, importSpec{name, p})
	}
	return &ast.GenDecl{Tok: token.VAR, Specs: specs}, declared, need, nil
}

// checkedCell is the result of the final check of cell cur.
func (s *Session) checkedCell(pkg *types.Package, info *types.Info, files []*cellFile, cur *cellFile, rec *cellRec, hoist []hoistVar) *checked {
	c := &checked{pkg: pkg, info: info, files: files, cur: cur, rec: rec, hoist: hoist}
	rec.names, rec.importing = declaredNames(cur, rec.hoisted), cur.importing
	if cur.result != nil {
		if tv, ok := info.Types[cur.result]; ok && tv.IsValue() {
			if _, tuple := tv.Type.(*types.Tuple); !tuple {
				c.result = cur.result
			}
		}
	}
	return c
}

// declaredNames lists the names a cell declares for later cells: those of
// its declarations, and its top-level variables.
func declaredNames(cur *cellFile, hoisted []hoisted) map[string]bool {
	names := map[string]bool{}
	addDeclNames(names, cur.file)
	delete(names, "_")
	for _, h := range hoisted {
		names[h.name] = true
	}
	return names
}

func (s *Session) typeCheckPkg(files []*cellFile, info *types.Info, keep func(types.Error) bool) (*types.Package, ErrorList) {
	pkg, all := s.typeCheckAll(files, info)
	return pkg, s.errorList(all, keep)
}

// typeCheckAll type-checks files as package main and returns every error
// but those ignoredError drops, in the checker's order.
func (s *Session) typeCheckAll(files []*cellFile, info *types.Info) (*types.Package, []error) {
	var errs []error
	conf := types.Config{
		Importer:  s.imp,
		GoVersion: "go1.26",
		Error: func(err error) {
			if e, ok := err.(types.Error); ok && ignoredError(e.Msg) {
				return
			}
			errs = append(errs, err)
		},
	}
	var astFiles []*ast.File
	for _, f := range files {
		astFiles = append(astFiles, f.file)
	}
	pkg, _ := conf.Check("main", s.fset, astFiles, info)
	return pkg, errs
}

// errorList returns the first 10 errors of a check that keep accepts (and
// any that is not a types.Error), sorted.
func (s *Session) errorList(all []error, keep func(types.Error) bool) ErrorList {
	var errs ErrorList
	for _, err := range all {
		e, ok := err.(types.Error)
		if !ok {
			errs = append(errs, &Error{Msg: err.Error()})
			continue
		}
		if keep != nil && !keep(e) {
			continue
		}
		errs = append(errs, posError(0, s.fset.Position(e.Pos), e.Msg))
	}
	if len(errs) > 10 {
		errs = errs[:10]
	}
	return sortErrors(errs)
}

// ignoredError reports errors that make sense for a program but not for a
// notebook: an import used only by another cell, or an initialisation
// order that the cells' order decides.
func ignoredError(msg string) bool {
	return strings.Contains(msg, "imported and not used") ||
		(strings.Contains(msg, " imported as ") && strings.HasSuffix(msg, " and not used")) ||
		strings.HasPrefix(msg, "initialization cycle") ||
		strings.Contains(msg, "function main is undeclared")
}

// validType reports whether a type has no invalid parts.
func validType(t types.Type) bool {
	return !strings.Contains(types.TypeString(t, nil), "invalid type")
}

var knownSet = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range knownPackages {
		m[p] = true
	}
	return m
}()

// checkImportable rejects imports that the interpreter has no symbol table
// for: yaegi would look for their source on disk.
func checkImportable(fset *token.FileSet, n int, cf *cellFile) ErrorList {
	var errs ErrorList
	for _, sp := range cf.file.Imports {
		p, err := strconv.Unquote(sp.Path.Value)
		if err != nil || knownSet[p] {
			continue
		}
		errs = append(errs, posError(n, fset.Position(sp.Path.Pos()),
			fmt.Sprintf("package %s is not available in notebooks (the standard library, golang.org/x/sync, golang.org/x/time/rate and display are)", p)))
	}
	return errs
}

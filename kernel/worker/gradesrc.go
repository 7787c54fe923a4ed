package worker

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// ranCell is the Go code of a cell that ran, with its execution count.
type ranCell struct {
	n    int
	code string
}

// cellLine is a line of a cell: its execution count and its line, from 1.
type cellLine struct{ cell, line int }

// gradedFile is the file %grade submits, cells.go.
type gradedFile struct {
	src []byte
	// from says where each line of src comes from (index: line - 1); the
	// zero cellLine for lines of no cell (the package clause, the imports).
	from []cellLine
}

// unit is one top-level declaration of a cell, as %grade gathers them: a
// func, a method, a const declaration, or one spec of a type or var
// declaration (so that a later cell may redefine one type of a group).
type unit struct {
	names []string // as cell.DeclNames keys them ("T.M" for a method)
	src   string
	at    cellLine // where src starts
	refs  []string // the package-level names its body, type and initialiser use
}

// solutionSource builds the file that %grade submits, of package pkg: the
// declarations of every cell that ran (the cells' statements are left
// out; a later definition of a name replaces an earlier one) that the
// checks need, and all they need. A declaration is needed when the checks
// (the Go files in checks: the test files and the given files) use its
// name, when a needed declaration uses it, or when it is a method of a
// needed type; an init function or a `var _ = ...` is kept when it uses a
// needed name. Lesson code that the checks do not reach stays out, so it
// can neither break the build nor clash with the tests' own names.
func solutionSource(pkg string, cells []ranCell, checks map[string][]byte) (*gradedFile, error) {
	roots, calls, sure, err := checkRoots(checks)
	if err != nil {
		return nil, err
	}
	units, importSpecs := gather(cells)
	owner := map[string]int{} // name -> the unit that defines it last
	for i, u := range units {
		for _, name := range u.names {
			if name != "init" && name != "_" { // never replaced: each runs
				owner[name] = i
			}
		}
	}
	var missing []string
	for _, name := range roots {
		if _, ok := owner[name]; !ok && sure {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		verb := "use"
		if !slices.ContainsFunc(missing, func(n string) bool { return !calls[n] }) {
			verb = "call"
		}
		declare := "do not declare " + andList(missing)
		return nil, fmt.Errorf("your cells %s, which the checks %s: run the cell with your solution first", declare, verb)
	}
	live := func(i int) bool {
		if sideEffect(units[i]) {
			return true
		}
		for _, name := range units[i].names {
			if owner[name] == i {
				return true
			}
		}
		return false
	}
	resolve(units, importSpecs, live)
	methods := map[string][]int{} // type name -> its method units
	for i, u := range units {
		for _, name := range u.names {
			if t, _, ok := strings.Cut(name, "."); ok && live(i) {
				methods[t] = append(methods[t], i)
			}
		}
	}
	keep := make([]bool, len(units))
	var queue []int
	need := func(name string) {
		if i, ok := owner[name]; ok && !keep[i] {
			keep[i] = true
			queue = append(queue, i)
		}
		for _, i := range methods[name] {
			if !keep[i] {
				keep[i] = true
				queue = append(queue, i)
			}
		}
	}
	for _, name := range roots {
		need(name)
	}
	for {
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			for _, name := range units[i].refs {
				need(name)
			}
		}
		// Init functions and blank variables run for their effects: keep
		// those that touch what is kept.
		for i, u := range units {
			if keep[i] || !sideEffect(u) {
				continue
			}
			if slices.ContainsFunc(u.refs, func(name string) bool { j, ok := owner[name]; return ok && keep[j] }) {
				keep[i] = true
				queue = append(queue, i)
			}
		}
		if len(queue) == 0 {
			break
		}
	}
	var body bytes.Buffer
	var from []cellLine
	for i, u := range units {
		if !keep[i] {
			continue
		}
		for k := range strings.Count(u.src, "\n") + 1 {
			from = append(from, cellLine{u.at.cell, u.at.line + k})
		}
		body.WriteString(u.src + "\n\n")
		from = append(from, cellLine{})
	}
	// Cells may import what the kept declarations do not use, and may use
	// packages the kernel imported for them: cell.FixImports settles both. Only
	// its imports are taken, so that every line of a declaration stays
	// the line it was in its cell.
	var draft bytes.Buffer
	fmt.Fprintf(&draft, "package %s\n\n", pkg)
	if len(importSpecs) > 0 {
		draft.WriteString("import (\n")
		for _, s := range importSpecs {
			draft.WriteString("\t" + s + "\n")
		}
		draft.WriteString(")\n\n")
	}
	header := draft.Bytes()
	draft.Write(body.Bytes())
	if out, err := cell.FixImports(draft.Bytes(), true); err == nil {
		if f, err := parser.ParseFile(token.NewFileSet(), "", out, parser.ImportsOnly); err == nil {
			end := f.Name.End()
			if len(f.Decls) > 0 {
				end = f.Decls[len(f.Decls)-1].End()
			}
			header = append(out[:int(end)-1:int(end)-1], "\n\n"...)
		}
	}
	src := append(slices.Clip(header), body.Bytes()...)
	from = append(make([]cellLine, bytes.Count(header, []byte("\n"))), from...)
	return &gradedFile{src: src, from: from}, nil
}

// gather cuts the cells into units, in the order the cells ran, and
// collects their import specs: the last one for each package name.
func gather(cells []ranCell) ([]unit, []string) {
	var units []unit
	specs := map[string]string{} // package name -> import spec
	var names []string
	for _, c := range cells {
		for _, d := range cell.Decls(c.code) {
			fset := token.NewFileSet()
			src := "package p\n" + d.Src
			f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
			if err != nil {
				continue // not Go the front end accepted; nothing to grade
			}
			text := func(from, to token.Pos) string {
				return src[fset.Position(from).Offset:fset.Position(to).Offset]
			}
			at := func(p token.Pos) cellLine { return cellLine{c.n, d.Line + fset.Position(p).Line - 2} }
			for _, decl := range f.Decls {
				g, isGen := decl.(*ast.GenDecl)
				switch {
				case isGen && g.Tok == token.IMPORT:
					for _, s := range g.Specs {
						is := s.(*ast.ImportSpec)
						name := importName(is)
						if _, seen := specs[name]; !seen {
							names = append(names, name)
						}
						specs[name] = text(is.Pos(), is.End())
					}
				case isGen && g.Tok != token.CONST && g.Lparen.IsValid():
					for _, s := range g.Specs {
						start := s.Pos()
						if doc := specDoc(s); doc != nil {
							start = doc.Pos()
						}
						one := &ast.GenDecl{Tok: g.Tok, Specs: []ast.Spec{s}}
						units = append(units, unit{names: cell.DeclNames(one), at: at(start),
							src: text(start, s.Pos()) + g.Tok.String() + " " + text(s.Pos(), s.End())})
					}
				default:
					start := decl.Pos()
					if doc := docOf(decl); doc != nil {
						start = doc.Pos()
					}
					units = append(units, unit{names: cell.DeclNames(decl), at: at(start), src: text(start, decl.End())})
				}
			}
		}
	}
	var out []string
	for _, n := range names {
		out = append(out, specs[n])
	}
	return units, out
}

// importName is the name an import declares: its own, or a guess from
// the path ("math/rand/v2" declares rand), good enough to tell which of
// two imports a later one replaces.
func importName(is *ast.ImportSpec) string {
	if is.Name != nil && is.Name.Name != "_" && is.Name.Name != "." {
		return is.Name.Name
	}
	path, _ := strconv.Unquote(is.Path.Value)
	if is.Name != nil {
		return is.Name.Name + path // every blank or dot import stays
	}
	parts := strings.Split(path, "/")
	name := parts[len(parts)-1]
	if len(parts) > 1 && majorVersion.MatchString(name) {
		name = parts[len(parts)-2]
	}
	return name
}

var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// sideEffect says that a unit runs for its effects: an init function or
// blank variables.
func sideEffect(u unit) bool {
	return !slices.ContainsFunc(u.names, func(n string) bool { return n != "init" && n != "_" })
}

// resolve fills in the refs of the live units: it type-checks them as one
// package (without the packages they import) and notes, for each, the
// package-level names it uses, declared by a unit or by nobody (those may
// be locals the checker could not place; an edge too many keeps a
// declaration too many, never one too few).
func resolve(units []unit, importSpecs []string, live func(int) bool) {
	var b strings.Builder
	b.WriteString("package p\n")
	for _, s := range importSpecs {
		b.WriteString("import " + s + "\n")
	}
	var idx []int
	for i, u := range units {
		if live(i) {
			b.WriteString(u.src + "\n")
			idx = append(idx, i)
		}
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", b.String(), parser.ParseComments)
	var decls []ast.Decl
	if err == nil {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); !ok || g.Tok != token.IMPORT {
				decls = append(decls, d)
			}
		}
	}
	if len(decls) != len(idx) { // cannot happen: every unit is one declaration
		all := slices.Collect(func(yield func(string) bool) {
			for _, u := range units {
				for _, n := range u.names {
					if !yield(n) {
						return
					}
				}
			}
		})
		for _, i := range idx {
			units[i].refs = all
		}
		return
	}
	refs := packageRefs(fset, []*ast.File{f})
	for k, i := range idx {
		units[i].refs = refs.names[decls[k]]
	}
}

// checkRoots returns the names the checks use and do not declare: what
// they expect of the learner's cells. calls holds those the checks call.
// sure is false when a dot import may declare any of them.
func checkRoots(checks map[string][]byte) (roots []string, calls map[string]bool, sure bool, err error) {
	fset := token.NewFileSet()
	var files []*ast.File
	sure = true
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range checks {
			if !yield(n) {
				return
			}
		}
	}) {
		f, err := parser.ParseFile(fset, name, checks[name], 0)
		if err != nil {
			return nil, nil, false, fmt.Errorf("the exercise's %s: %w", name, err)
		}
		for _, is := range f.Imports {
			if is.Name != nil && is.Name.Name == "." {
				sure = false
			}
		}
		files = append(files, f)
	}
	refs := packageRefs(fset, files)
	seen := map[string]bool{}
	for _, d := range refs.order {
		for _, name := range refs.undeclared[d] {
			if !seen[name] {
				seen[name] = true
				roots = append(roots, name)
			}
		}
	}
	return roots, refs.calls, sure, nil
}

// refSet is what packageRefs finds.
type refSet struct {
	order      []ast.Decl
	names      map[ast.Decl][]string // package-level names each declaration uses, declared or not
	undeclared map[ast.Decl][]string // those that no file declares
	calls      map[string]bool       // undeclared names used as functions
}

// packageRefs type-checks files as one package, without looking into the
// packages they import, and lists the package-level names each top-level
// declaration uses.
func packageRefs(fset *token.FileSet, files []*ast.File) refSet {
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{
		// A failed import declares a fake package, whose members the
		// checker then accepts: only the names of the package matter.
		Importer: importerFunc(func(string) (*types.Package, error) { return nil, errors.New("not looked into") }),
		Error:    func(error) {},
	}
	pkg, _ := conf.Check("p", fset, files, info)
	rs := refSet{names: map[ast.Decl][]string{}, undeclared: map[ast.Decl][]string{}, calls: map[string]bool{}}
	for _, f := range files {
		for _, d := range f.Decls {
			rs.order = append(rs.order, d)
			skip := map[*ast.Ident]bool{}
			seen := map[string]bool{}
			ast.Inspect(d, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.SelectorExpr:
					skip[n.Sel] = true // a field, a method or a package's member
				case *ast.KeyValueExpr:
					if id, ok := n.Key.(*ast.Ident); ok && info.Uses[id] == nil {
						skip[id] = true // a field of a struct type the checker does not know
					}
				case *ast.CallExpr:
					if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && info.Uses[id] == nil {
						rs.calls[id.Name] = true
					}
				case *ast.Ident:
					if skip[n] || n.Name == "_" || seen[n.Name] {
						return true
					}
					if obj, ok := info.Uses[n]; ok {
						if pkg != nil && obj.Parent() == pkg.Scope() {
							seen[n.Name] = true
							rs.names[d] = append(rs.names[d], n.Name)
						}
						return true
					}
					if _, ok := info.Defs[n]; ok {
						return true
					}
					seen[n.Name] = true
					rs.names[d] = append(rs.names[d], n.Name)
					rs.undeclared[d] = append(rs.undeclared[d], n.Name)
				}
				return true
			})
		}
	}
	return rs
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// andList writes names as "A", "A and B" or "A, B and C".
func andList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func specDoc(s ast.Spec) *ast.CommentGroup {
	switch s := s.(type) {
	case *ast.TypeSpec:
		return s.Doc
	case *ast.ValueSpec:
		return s.Doc
	}
	return nil
}

// checkFiles reads the Go files of the exercise in dir that the grader
// builds next to the learner's: public_test.go for the public checks
// (every test file otherwise) and the given files (not the solution
// files). In public mode it never opens hidden_test.go or solution.go.
func checkFiles(dir string, solutionFiles []string, public bool) (map[string][]byte, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	solution := map[string]bool{"solution.go": true}
	for _, f := range solutionFiles {
		solution[f] = true
	}
	files := map[string][]byte{}
	for _, p := range paths {
		name := filepath.Base(p)
		isTest := strings.HasSuffix(name, "_test.go")
		if solution[name] || isTest && public && name != "public_test.go" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files[name] = data
	}
	return files, nil
}

// cellPositions rewrites the grader's positions in cells.go
// ("cells.go:53:14", "gopherlab.grader/learner/cells.go:53") into the
// learner's terms, "cell 21, line 4", one line of output at a time.
type cellPositions struct {
	w    io.Writer
	from []cellLine
	buf  []byte
}

var cellsPos = regexp.MustCompile(`(?:\./|[\w.-]+(?:/[\w.-]+)*/)?\bcells\.go:(\d+)(?::\d+)?`)

func (c *cellPositions) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	for {
		i := bytes.IndexByte(c.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if _, err := c.w.Write(c.rewrite(c.buf[:i+1])); err != nil {
			return len(p), err
		}
		c.buf = c.buf[i+1:]
	}
}

// Flush writes what is left after the last newline.
func (c *cellPositions) Flush() error {
	_, err := c.w.Write(c.rewrite(c.buf))
	c.buf = nil
	return err
}

func (c *cellPositions) rewrite(line []byte) []byte {
	return cellsPos.ReplaceAllFunc(line, func(m []byte) []byte {
		l, _ := strconv.Atoi(string(cellsPos.FindSubmatch(m)[1]))
		if l < 1 || l > len(c.from) || c.from[l-1].cell == 0 {
			return m
		}
		return fmt.Appendf(nil, "cell %d, line %d", c.from[l-1].cell, c.from[l-1].line)
	})
}

package cell

import (
	"bytes"
	_ "embed"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

//go:embed generic.go.txt
var preludeSrc string

// preludeNames lists the top-level names generic.go.txt declares;
// preludeTypeParams the type parameters of its generic functions.
var preludeNames, preludeTypeParams = func() (map[string]bool, map[string][]string) {
	f := parsePrelude(token.NewFileSet())
	m := map[string]bool{}
	tp := map[string][]string{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				m[d.Name.Name] = true
				if d.Type.TypeParams != nil {
					for _, f := range d.Type.TypeParams.List {
						for _, n := range f.Names {
							tp[d.Name.Name] = append(tp[d.Name.Name], n.Name)
						}
					}
				}
			}
		case *ast.GenDecl:
			for _, n := range genDeclNames(d) {
				m[n] = true
			}
		}
	}
	return m, tp
}()

func parsePrelude(fset *token.FileSet) *ast.File {
	f, err := parser.ParseFile(fset, "generic.go", preludeSrc, 0)
	if err != nil {
		panic("cell: generic.go.txt: " + err.Error())
	}
	return f
}

// usePrelude notes that the unit needs a declaration of generic.go.txt,
// and reports whether there is one.
func (e *emitter) usePrelude(name string) bool {
	if !preludeNames[name] {
		return false
	}
	if e.prelude == nil {
		e.prelude = map[string]bool{}
	}
	e.prelude[name] = true
	return true
}

// writePrelude prints the declarations of generic.go.txt that the unit
// needs and the interpreter does not have yet, with what they use.
func (e *emitter) writePrelude(b *bytes.Buffer) {
	if len(e.prelude) == 0 {
		return
	}
	fset := token.NewFileSet()
	f := parsePrelude(fset)
	imports := map[string]string{} // name -> path
	for _, sp := range f.Imports {
		p, _ := strconv.Unquote(sp.Path.Value)
		imports[pkgName(p)] = p
	}
	// Close over uses.
	decls := map[string][]ast.Decl{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			key := d.Name.Name
			if d.Recv != nil {
				key = recvTypeName(d.Recv.List[0].Type)
			}
			decls[key] = append(decls[key], d)
		case *ast.GenDecl:
			for _, n := range genDeclNames(d) {
				decls[n] = append(decls[n], d)
			}
		}
	}
	need := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if need[name] || e.u.yPrelude[name] {
			return
		}
		need[name] = true
		for _, d := range decls[name] {
			ast.Inspect(d, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && preludeNames[id.Name] && id.Name != name {
					visit(id.Name)
				}
				return true
			})
		}
	}
	for name := range e.prelude {
		visit(name)
	}
	var names []string
	for n := range need {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		e.u.yPrelude[name] = true
		for _, d := range decls[name] {
			ast.Inspect(d, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && !strings.HasPrefix(id.Name, "_gl_") {
						if p, ok := imports[id.Name]; ok {
							id.Name = e.importAlias(p, id.Name)
						}
					}
				}
				return true
			})
			printer.Fprint(b, fset, d)
			b.WriteString("\n\n")
		}
	}
}

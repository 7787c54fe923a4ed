package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// endsInValue reports whether a cell ends in an expression whose value the
// notebook should show. Calls are left out: their first result (the n of
// fmt.Println's (n, err)) is not what the learner asked to see.
//
// This is a syntax-only stand-in until the type-checking front end
// (kernel/cell) decides it from types.
func endsInValue(src string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+src+"\n}", 0)
	if err != nil || len(f.Decls) != 1 {
		return false
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) == 0 {
		return false
	}
	es, ok := body[len(body)-1].(*ast.ExprStmt)
	if !ok {
		return false
	}
	if _, isCall := es.X.(*ast.CallExpr); isCall {
		return !isPrintCall(es.X.(*ast.CallExpr))
	}
	return true
}

func isPrintCall(c *ast.CallExpr) bool {
	switch fn := c.Fun.(type) {
	case *ast.Ident:
		return fn.Name == "print" || fn.Name == "println" || fn.Name == "panic"
	case *ast.SelectorExpr:
		if pkg, ok := fn.X.(*ast.Ident); ok {
			switch pkg.Name {
			case "fmt":
				return strings.HasPrefix(fn.Sel.Name, "Print") || strings.HasPrefix(fn.Sel.Name, "Fprint")
			case "log":
				return true
			}
		}
	}
	return false
}

// splitImports cuts a cell's leading import declarations from the rest, which
// yaegi cannot take in one piece with statements. It leaves out the imports
// the session already has (yaegi rejects a second import of a package). The
// rest keeps its line numbers.
func splitImports(src string, have map[string]bool) (imports []string, rest string) {
	const header = "package p\n"
	f, err := parser.ParseFile(token.NewFileSet(), "", header+src, parser.ImportsOnly)
	if err != nil || len(f.Imports) == 0 {
		return nil, src
	}
	for _, spec := range f.Imports {
		imp := spec.Path.Value
		if spec.Name != nil {
			imp = spec.Name.Name + " " + imp
		}
		if !have[imp] {
			imports = append(imports, imp)
		}
	}
	end := int(f.Decls[len(f.Decls)-1].End()) - len(header) - 1
	rest = strings.Repeat("\n", strings.Count(src[:end], "\n")) + src[end:]
	return imports, rest
}

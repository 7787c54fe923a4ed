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
// yaegi cannot take in one piece with statements. The rest keeps its line
// numbers.
func splitImports(src string) (imports, rest string) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.ImportsOnly)
	if err != nil || len(f.Imports) == 0 {
		return "", src
	}
	end := f.Decls[len(f.Decls)-1].End() - token.Pos(len("package p\n")) - 1
	imports = src[:end]
	rest = strings.Repeat("\n", strings.Count(imports, "\n")) + src[end:]
	return imports, rest
}

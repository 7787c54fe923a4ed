package cell

import (
	"go/ast"
	"go/types"
	"slices"
)

// mainName is what func main is called in yaegi.
const mainName = "_gl_main"

// Pass mainOnce: yaegi v0.16.1 calls func main of package main at the end
// of every Eval once it exists, so a pasted program ran main when its
// declarations were given, again when the cell ran, and twice more for
// every later cell. It also runs func init when the declarations are
// given, before the cell's var statements. Go runs the package's variable
// initialisation, then every init in order, then main, once.
//
// main becomes _gl_main (as do the calls to it), each init a function of
// its own name; the cell that declares them calls them after its
// statements (before the final expression, if it has one):
//
//	func init() {...}; func main() {...}  ->  func _gl_init1() {...}; func _gl_main() {...}
//	                                          ... statements; _gl_init1(); _gl_main()
//
// The pass sees the declarations before the cell's statements.
var passMainOnce = pass{"mainOnce", func(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == "main" {
			obj := e.c.info.Uses[id]
			if obj == nil {
				obj = e.c.info.Defs[id]
			}
			if f, ok := obj.(*types.Func); ok && f.Parent() == e.c.pkg.Scope() {
				id.Name = mainName
			}
		}
		return true
	})
	if fd, ok := root.(*ast.FuncDecl); ok && fd.Recv == nil {
		own := slices.Contains(e.c.cur.file.Decls, ast.Decl(fd))
		switch fd.Name.Name {
		case "init":
			fd.Name.Name = e.newName("init")
			if own {
				e.inits = append(e.inits, &ast.Ident{NamePos: fd.Name.Pos(), Name: fd.Name.Name})
			}
		case mainName:
			if own {
				e.main = fd.Name.Pos()
			}
		}
	}
	body := e.c.cur.body.Body
	if root != body || (len(e.inits) == 0 && !e.main.IsValid()) {
		return
	}
	// Each call stands at its function's declaration, for stack traces.
	var calls []ast.Stmt
	for _, id := range e.inits {
		calls = append(calls, &ast.ExprStmt{X: &ast.CallExpr{Fun: id}})
	}
	if e.main.IsValid() {
		calls = append(calls, &ast.ExprStmt{X: &ast.CallExpr{Fun: &ast.Ident{NamePos: e.main, Name: mainName}}})
	}
	at := len(body.List)
	if e.c.result != nil {
		at--
	}
	body.List = slices.Insert(body.List, at, calls...)
}}

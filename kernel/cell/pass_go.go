package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass goPanic: in yaegi v0.16.1 a panic in a goroutine that a cell started
// kills the whole process. Every go statement runs its call under a
// deferred, interpreted recover (yaegi's recover works only in interpreted
// deferred functions) that reports the panic to cellrt.GoPanic with the
// cell and line of the go statement. The same rewrite lets the session
// track the goroutine: cellrt.Spawn in the parent, right before the go
// statement, then cellrt.Enter first and cellrt.Done last in the child
// (the recover's defer runs before Done's).
//
//	go f(x, y)
//
// becomes
//
//	{ _gl_f1 := f; var _gl_a2 T1 = x; var _gl_a3 T2 = y
//	  _gl_t4 := cellrt.Spawn("cell 3, line 4")
//	  go func() {
//	  	defer cellrt.Done(_gl_t4)
//	  	defer func() { if r := cellrt.Recovered(recover()); r != nil { cellrt.GoPanic("cell 3, line 4", r) } }()
//	  	cellrt.Enter(_gl_t4)
//	  	_gl_f1(_gl_a2, _gl_a3)
//	  }() }
//
// (a function literal keeps its arguments and gets the same first
// statements).
var passGoPanic = pass{"goPanic", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		g, ok := c.Node().(*ast.GoStmt)
		if !ok {
			return true
		}
		c.Replace(e.wrapGo(g))
		return true
	})
}}

func (e *emitter) recoverDefer(pos token.Pos) ast.Stmt {
	rt := e.importAlias(RuntimePath, "cellrt")
	src := "defer func() { if r := " + rt + ".Recovered(recover()); r != nil { " + rt + ".GoPanic(" + strconv.Quote(e.where(pos)) + ", r) } }()"
	return parseStmt(src)
}

func (e *emitter) wrapGo(g *ast.GoStmt) ast.Stmt {
	rt := e.importAlias(RuntimePath, "cellrt")
	t := e.newName("t")
	spawn := parseStmt(t + " := " + rt + ".Spawn(" + strconv.Quote(e.where(g.Pos())) + ")")
	prologue := []ast.Stmt{parseStmt("defer " + rt + ".Done(" + t + ")"), e.recoverDefer(g.Pos()), parseStmt(rt + ".Enter(" + t + ")")}
	call := g.Call
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		lit.Body.List = append(prologue, lit.Body.List...)
		return &ast.BlockStmt{List: []ast.Stmt{spawn, g}}
	}
	var pre []ast.Stmt
	fun := call.Fun
	tv := e.c.info.Types[call.Fun]
	sig, _ := types.Unalias(tv.Type).Underlying().(*types.Signature)
	if !tv.IsBuiltin() {
		name := e.newName("f")
		pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE, Rhs: []ast.Expr{call.Fun}})
		fun = ast.NewIdent(name)
	}
	var args []ast.Expr
	for i, a := range call.Args {
		name := e.newName("a")
		var t types.Type
		if sig != nil {
			switch {
			case sig.Variadic() && i >= sig.Params().Len()-1 && !call.Ellipsis.IsValid():
				t = sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice).Elem()
			case i < sig.Params().Len():
				t = sig.Params().At(i).Type()
			}
		}
		if t == nil {
			if atv, ok := e.c.info.Types[a]; ok {
				t = types.Default(atv.Type)
			}
		}
		if t != nil && !hasTypeParam(t) {
			pre = append(pre, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{
				&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(name)}, Type: e.typeExpr(t), Values: []ast.Expr{a}},
			}}})
		} else {
			pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE, Rhs: []ast.Expr{a}})
		}
		args = append(args, ast.NewIdent(name))
	}
	inner := &ast.CallExpr{Fun: fun, Args: args, Ellipsis: call.Ellipsis}
	lit := &ast.FuncLit{
		Type: &ast.FuncType{Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{List: append(prologue, &ast.ExprStmt{X: inner})},
	}
	pre = append(pre, spawn, &ast.GoStmt{Go: g.Go, Call: &ast.CallExpr{Fun: lit}})
	return &ast.BlockStmt{List: pre}
}

// hasTypeParam reports whether t mentions a type parameter (generated code
// cannot name it outside its function).
func hasTypeParam(t types.Type) bool {
	found := false
	var walk func(t types.Type)
	seen := map[types.Type]bool{}
	walk = func(t types.Type) {
		if found || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.TypeParam:
			found = true
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Chan:
			walk(t.Elem())
		case *types.Named:
			for i := range t.TypeArgs().Len() {
				walk(t.TypeArgs().At(i))
			}
		case *types.Signature:
			for i := range t.Params().Len() {
				walk(t.Params().At(i).Type())
			}
			for i := range t.Results().Len() {
				walk(t.Results().At(i).Type())
			}
		case *types.Struct:
			for i := range t.NumFields() {
				walk(t.Field(i).Type())
			}
		case *types.Interface:
			for i := range t.NumMethods() {
				walk(t.Method(i).Type())
			}
			for i := range t.NumEmbeddeds() {
				walk(t.EmbeddedType(i))
			}
		}
	}
	walk(t)
	return found
}

// Pass osExit: os.Exit in a cell would end the worker (yaegi's unrestricted
// table calls the real one). It becomes cellrt.Exit, which the session
// turns into the end of the cell.
var passOsExit = pass{"osExit", func(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if f, ok := e.c.info.Uses[sel.Sel].(*types.Func); ok && f.Pkg() != nil && f.Pkg().Path() == "os" && f.Name() == "Exit" {
			sel.X = ast.NewIdent(e.importAlias(RuntimePath, "cellrt"))
			sel.Sel = ast.NewIdent("Exit")
		}
		return true
	})
}}

// Pass goFunc: a panic in a function that compiled code runs in a goroutine
// of its own (wg.Go, errgroup's g.Go, time.AfterFunc, ...) kills the whole
// process in yaegi v0.16.1, as one in a go statement would (pass goPanic).
// The function passed gets the same deferred, interpreted recover that
// reports the panic to cellrt.GoPanic with the cell and line of the call:
//
//	wg.Go(func() { body })  ->  wg.Go(func() { defer func() { ...GoPanic("cell 3, line 4", r)... }(); body })
//	wg.Go(work)             ->  wg.Go(func(_gl_f func()) func() { return func() { defer ...; _gl_f() } }(work))
//
// The goroutines themselves are compiled code's: the rewrite does not call
// cellrt.Spawn, Enter or Done for them (the session finds them by the
// goroutine labels they inherit).
var passGoFunc = pass{"goFunc", func(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 || !runsInGoroutine(e.calledFunc(call)) {
			return true
		}
		last := len(call.Args) - 1
		arg := call.Args[last]
		if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
			lit.Body.List = append([]ast.Stmt{e.recoverDefer(call.Pos())}, lit.Body.List...)
			return true
		}
		tv, ok := e.c.info.Types[arg]
		if !ok {
			return true
		}
		sig, ok := tv.Type.Underlying().(*types.Signature)
		if !ok || sig.Params().Len() > 0 || hasTypeParam(sig) {
			return true
		}
		f := e.newName("f")
		inner := &ast.CallExpr{Fun: ast.NewIdent(f)}
		var last2 ast.Stmt = &ast.ExprStmt{X: inner}
		if sig.Results().Len() > 0 {
			last2 = &ast.ReturnStmt{Results: []ast.Expr{inner}}
		}
		ft := e.typeExpr(tv.Type)
		wrapped := &ast.FuncLit{Type: parseExpr(e.typeString(tv.Type)).(*ast.FuncType), Body: &ast.BlockStmt{List: []ast.Stmt{e.recoverDefer(call.Pos()), last2}}}
		call.Args[last] = &ast.CallExpr{
			Fun: &ast.FuncLit{
				Type: &ast.FuncType{Params: &ast.FieldList{List: []*ast.Field{{Names: []*ast.Ident{ast.NewIdent(f)}, Type: ft}}}, Results: &ast.FieldList{List: []*ast.Field{{Type: e.typeExpr(tv.Type)}}}},
				Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{wrapped}}}},
			},
			Args: []ast.Expr{arg},
		}
		return true
	})
}}

// calledFunc returns the function or method a call calls, if it is one.
func (e *emitter) calledFunc(call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return nil
	}
	fn, _ := e.c.info.Uses[id].(*types.Func)
	return fn
}

// runsInGoroutine reports whether a compiled function runs its last
// argument, a function, in a new goroutine.
func runsInGoroutine(f *types.Func) bool {
	if f == nil {
		return false
	}
	switch f.FullName() {
	case "(*sync.WaitGroup).Go",
		"(*golang.org/x/sync/errgroup.Group).Go",
		"(*golang.org/x/sync/errgroup.Group).TryGo",
		"(*golang.org/x/sync/singleflight.Group).DoChan",
		"time.AfterFunc",
		"context.AfterFunc":
		return true
	}
	return false
}

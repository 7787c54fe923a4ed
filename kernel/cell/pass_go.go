package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
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
// The goroutine's own function is compiled: cellrt.Guard, which calls the
// interpreted function and recovers, in Go, a panic that got past the
// interpreted recover. That happens when the interpreter stops a cell (an
// interrupt, or a goroutine's panic that ends the cell): yaegi then runs
// no more interpreted code of the frames it started before, not even a
// deferred recover, so a goroutine that is inside a compiled or
// interpreter operation at that moment and panics there would kill the
// worker (GOROOT's gcgort.go: many goroutines hit yaegi's failing `!` at
// once).
//
//	go f(x, y)
//
// becomes
//
//	{ _gl_f1 := f; var _gl_a2 T1 = x; var _gl_a3 T2 = y
//	  _gl_t4 := cellrt.Spawn("cell 3, line 4")
//	  go cellrt.Guard(_gl_t4, "cell 3, line 4", func() {
//	  	defer cellrt.Done(_gl_t4)
//	  	defer func() { if r := cellrt.Recovered(recover()); r != nil { cellrt.GoPanic("cell 3, line 4", r) } }()
//	  	cellrt.Enter(_gl_t4)
//	  	_gl_f1(_gl_a2, _gl_a3)
//	  }) }
//
// A function literal keeps its body and gets the same first statements;
// its arguments are evaluated into variables first, as above, and its
// parameters become variables of its body (func(i int) {...}(n) runs as
// func() { i := _gl_a2; ... }). A literal with results, or whose
// arguments are one call with several results, keeps yaegi's go statement
// without the guard.
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
	where := strconv.Quote(e.where(g.Pos()))
	spawn := parseStmt(t + " := " + rt + ".Spawn(" + where + ")")
	prologue := []ast.Stmt{parseStmt("defer " + rt + ".Done(" + t + ")"), e.recoverDefer(g.Pos()), parseStmt(rt + ".Enter(" + t + ")")}
	guard := func(pre []ast.Stmt, lit *ast.FuncLit) ast.Stmt {
		call := &ast.CallExpr{Fun: parseExpr(rt + ".Guard"), Args: []ast.Expr{ast.NewIdent(t), parseExpr(where), lit}}
		return &ast.BlockStmt{List: append(pre, spawn, &ast.GoStmt{Go: g.Go, Call: call})}
	}
	call := g.Call
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		pre, bind, ok := e.bindParams(lit, call)
		lit.Body.List = slices.Concat(prologue, bind, lit.Body.List)
		if !ok {
			return &ast.BlockStmt{List: []ast.Stmt{spawn, g}}
		}
		lit.Type.Params = &ast.FieldList{}
		return guard(pre, lit)
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
	return guard(pre, lit)
}

// bindParams evaluates the arguments of a go statement that calls the
// function literal lit into variables (pre, in the parent, in order) and
// gives lit's parameters their values as variables of its body (bind), so
// that lit can run without parameters. ok is false when it cannot: lit has
// results or type parameters, or its arguments are one call with several
// results.
func (e *emitter) bindParams(lit *ast.FuncLit, call *ast.CallExpr) (pre, bind []ast.Stmt, ok bool) {
	if lit.Type.Results != nil && len(lit.Type.Results.List) > 0 {
		return nil, nil, false
	}
	sig, _ := e.c.info.TypeOf(lit).(*types.Signature)
	if sig == nil || hasTypeParam(sig) {
		return nil, nil, false
	}
	n := sig.Params().Len()
	if n == 0 {
		return nil, nil, true
	}
	if !sig.Variadic() && len(call.Args) != n || sig.Variadic() && len(call.Args) < n-1 {
		return nil, nil, false // f(g()) with g returning several values
	}
	var names []*ast.Ident
	for _, f := range lit.Type.Params.List {
		if len(f.Names) == 0 {
			names = append(names, nil)
		}
		names = append(names, f.Names...)
	}
	if len(names) != n {
		return nil, nil, false
	}
	for i := range n {
		pt := sig.Params().At(i).Type()
		var val ast.Expr
		switch {
		case sig.Variadic() && i == n-1 && call.Ellipsis.IsValid():
			val = call.Args[i]
		case sig.Variadic() && i == n-1:
			if len(call.Args) > i {
				val = &ast.CompositeLit{Type: e.typeExpr(pt), Elts: call.Args[i:]}
			}
		default:
			val = call.Args[i]
		}
		name := e.newName("a")
		spec := &ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(name)}, Type: e.typeExpr(pt)}
		if val != nil {
			spec.Values = []ast.Expr{val}
		}
		pre = append(pre, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{spec}}})
		if id := names[i]; id != nil && id.Name != "_" {
			bind = append(bind, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(id.Name)}, Tok: token.DEFINE, Rhs: []ast.Expr{ast.NewIdent(name)}})
		}
	}
	return pre, bind, true
}

// hasTypeParam reports whether t mentions a type parameter (generated code
// cannot name it outside its function).
func hasTypeParam(t types.Type) bool {
	return anyTypePart(t, func(t types.Type) bool {
		_, ok := t.(*types.TypeParam)
		return ok
	})
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
// The function compiled code gets is then wrapped in cellrt.Guarded (see
// guardFunc), for a panic that gets past the interpreted recover.
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
		defer e.guardFunc(call)
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

// guardFunc wraps the function that call (one runsInGoroutine says yes to)
// gives compiled code in cellrt.Guarded (or GuardedErr, GuardedAnyErr): a
// compiled function that recovers, in Go, a panic that got past the
// interpreted recover (see pass goPanic).
func (e *emitter) guardFunc(call *ast.CallExpr) {
	sig, _ := e.calledFunc(call).Type().(*types.Signature)
	if sig == nil || sig.Params().Len() == 0 {
		return
	}
	var guard string
	switch types.TypeString(sig.Params().At(sig.Params().Len()-1).Type(), nil) {
	case "func()":
		guard = "Guarded"
	case "func() error":
		guard = "GuardedErr"
	case "func() (any, error)", "func() (interface{}, error)":
		guard = "GuardedAnyErr"
	default:
		return
	}
	last := len(call.Args) - 1
	rt := e.importAlias(RuntimePath, "cellrt")
	call.Args[last] = &ast.CallExpr{Fun: parseExpr(rt + "." + guard), Args: []ast.Expr{parseExpr(strconv.Quote(e.where(call.Pos()))), call.Args[last]}}
}

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

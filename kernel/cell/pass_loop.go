package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"

	"golang.org/x/tools/go/ast/astutil"
)

// parseStmt parses one generated statement.
func parseStmt(src string) ast.Stmt {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p; func _() {\n"+src+"\n}", 0)
	if err != nil {
		panic("cell: bad generated code: " + src + ": " + err.Error())
	}
	st := f.Decls[0].(*ast.FuncDecl).Body.List[0]
	clearPos(st)
	return st
}

func parseExpr(src string) ast.Expr {
	x, err := parser.ParseExpr(src)
	if err != nil {
		panic("cell: bad generated code: " + src + ": " + err.Error())
	}
	clearPos(x)
	return x
}

// clearPos zeroes the positions in generated code: they belong to another
// file set, and the printer would read them as line breaks.
func clearPos(n ast.Node) {
	posType := reflect.TypeFor[token.Pos]()
	ast.Inspect(n, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		v := reflect.ValueOf(n)
		if v.Kind() != reflect.Pointer || v.IsNil() {
			return true
		}
		v = v.Elem()
		if v.Kind() != reflect.Struct {
			return true
		}
		for i := range v.NumField() {
			if f := v.Field(i); f.Type() == posType && f.CanSet() {
				f.SetInt(0)
			}
		}
		return true
	})
}

// Pass rangeInt: Go 1.22's range over an integer crashes yaegi v0.16.1
// ("nil type"). `for i := range n { body }` becomes
//
//	for _gl_i, _gl_n := T(0), T(n); _gl_i < _gl_n; _gl_i++ { i := _gl_i; body }
//
// which also gives each iteration its own i.
var passRangeInt = pass{"rangeInt", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		rs, ok := c.Node().(*ast.RangeStmt)
		if !ok {
			return true
		}
		tv, ok := e.c.info.Types[rs.X]
		if !ok {
			return true
		}
		b, ok := tv.Type.Underlying().(*types.Basic)
		if !ok || b.Info()&types.IsInteger == 0 {
			return true
		}
		t := types.Default(tv.Type)
		if rs.Key != nil && rs.Tok == token.DEFINE {
			if obj := e.c.info.Defs[identOf(rs.Key)]; obj != nil {
				t = obj.Type()
			}
		}
		ts := e.typeString(t)
		i, n := e.newName("i"), e.newName("n")
		init := &ast.AssignStmt{
			Lhs: []ast.Expr{ast.NewIdent(i), ast.NewIdent(n)},
			Tok: token.DEFINE,
			Rhs: []ast.Expr{parseExpr(ts + "(0)"), &ast.CallExpr{Fun: ast.NewIdent(ts), Args: []ast.Expr{rs.X}}},
		}
		body := rs.Body
		if rs.Key != nil && !isBlank(rs.Key) {
			// i := _gl_i (or i = _gl_i for `for i = range n`).
			body.List = append([]ast.Stmt{&ast.AssignStmt{Lhs: []ast.Expr{rs.Key}, Tok: rs.Tok, Rhs: []ast.Expr{ast.NewIdent(i)}}}, body.List...)
		}
		c.Replace(&ast.ForStmt{
			For:  rs.For,
			Init: init,
			Cond: &ast.BinaryExpr{X: ast.NewIdent(i), Op: token.LSS, Y: ast.NewIdent(n)},
			Post: &ast.IncDecStmt{X: ast.NewIdent(i), Tok: token.INC},
			Body: body,
		})
		return true
	})
}}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := e.(*ast.Ident)
	return id
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// Pass loopVar: yaegi v0.16.1 shares loop variables across iterations (Go
// ≤ 1.21), so closures and goroutines started in a loop all see the last
// value. When a loop body has a function literal, a go or defer statement
// or takes an address, the body starts with `i := i` for the loop's
// variables. A three-clause loop whose body assigns its variable is left
// alone (the copy would cut the assignment off from the loop).
var passLoopVar = pass{"loopVar", func(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		var names []string
		var body *ast.BlockStmt
		switch s := n.(type) {
		case *ast.ForStmt:
			as, ok := s.Init.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE {
				return true
			}
			for _, l := range as.Lhs {
				if id := identOf(l); id != nil && id.Name != "_" {
					names = append(names, id.Name)
				}
			}
			body = s.Body
			if assigns(body, names) {
				return true
			}
		case *ast.RangeStmt:
			if s.Tok != token.DEFINE {
				return true
			}
			for _, l := range []ast.Expr{s.Key, s.Value} {
				if id := identOf(l); id != nil && id.Name != "_" {
					names = append(names, id.Name)
				}
			}
			body = s.Body
		default:
			return true
		}
		if len(names) == 0 || !captures(body) {
			return true
		}
		var lhs, rhs []ast.Expr
		for _, name := range names {
			lhs = append(lhs, ast.NewIdent(name))
			rhs = append(rhs, ast.NewIdent(name))
		}
		body.List = append([]ast.Stmt{&ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs}}, body.List...)
		return true
	})
}}

// captures reports whether a loop body may keep a reference to a loop
// variable beyond its iteration.
func captures(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			found = true
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				found = true
			}
		}
		return !found
	})
	return found
}

// assigns reports whether a block assigns one of the names.
func assigns(body *ast.BlockStmt, names []string) bool {
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					if id := identOf(l); id != nil && set[id.Name] {
						found = true
					}
				}
			}
		case *ast.IncDecStmt:
			if id := identOf(n.X); id != nil && set[id.Name] {
				found = true
			}
		}
		return !found
	})
	return found
}

// Pass rangeChanSlice: ranging over a slice (or array) of channels fails in
// yaegi v0.16.1 ("reflect: call of reflect.Value.Len on int Value"). Such
// a loop becomes an index loop:
//
//	for i, c := range chans { body }
//
// becomes
//
//	for _gl_i, _gl_s := 0, chans; _gl_i < len(_gl_s); _gl_i++ { i, c := _gl_i, _gl_s[_gl_i]; body }
var passRangeChanSlice = pass{"rangeChanSlice", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		rs, ok := c.Node().(*ast.RangeStmt)
		if !ok {
			return true
		}
		tv, ok := e.c.info.Types[rs.X]
		if !ok {
			return true
		}
		var elem types.Type
		switch u := tv.Type.Underlying().(type) {
		case *types.Slice:
			elem = u.Elem()
		case *types.Array:
			elem = u.Elem()
		default:
			return true
		}
		if _, ok := elem.Underlying().(*types.Chan); !ok {
			return true
		}
		i, s := e.newName("i"), e.newName("s")
		var lhs, rhs []ast.Expr
		if rs.Key != nil && !isBlank(rs.Key) {
			lhs, rhs = append(lhs, rs.Key), append(rhs, ast.NewIdent(i))
		}
		if rs.Value != nil && !isBlank(rs.Value) {
			lhs = append(lhs, rs.Value)
			rhs = append(rhs, &ast.IndexExpr{X: ast.NewIdent(s), Index: ast.NewIdent(i)})
		}
		body := rs.Body
		if len(lhs) > 0 {
			tok := rs.Tok
			if tok != token.DEFINE {
				tok = token.ASSIGN
			}
			body.List = append([]ast.Stmt{&ast.AssignStmt{Lhs: lhs, Tok: tok, Rhs: rhs}}, body.List...)
		}
		c.Replace(&ast.ForStmt{
			For:  rs.For,
			Init: &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(i), ast.NewIdent(s)}, Tok: token.DEFINE, Rhs: []ast.Expr{parseExpr("0"), rs.X}},
			Cond: parseExpr(i + " < len(" + s + ")"),
			Post: &ast.IncDecStmt{X: ast.NewIdent(i), Tok: token.INC},
			Body: body,
		})
		return true
	})
}}

// Pass loopClosure: a function literal that escapes a loop iteration (passed
// to compiled code such as wg.Go or errgroup's g.Go, stored, returned) sees
// the last value of the variables declared in the loop in yaegi v0.16.1:
// they live in one frame slot for all iterations, whatever `i := i` says.
// Such a literal is bound to the current values through a call, which
// gives it a frame of its own:
//
//	g.Go(func() error { use(i) })  ->  g.Go(func(i int) func() error { return func() error { use(i) } }(i))
//
// Literals called on the spot (including go and defer statements) are
// left alone, so that they can still assign the loop's variables.
var passLoopClosure = pass{"loopClosure", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		var body *ast.BlockStmt
		switch s := c.Node().(type) {
		case *ast.ForStmt:
			body = s.Body
		case *ast.RangeStmt:
			body = s.Body
		default:
			return true
		}
		loop := c.Node()
		astutil.Apply(body, func(c2 *astutil.Cursor) bool {
			lit, ok := c2.Node().(*ast.FuncLit)
			if !ok {
				return true
			}
			if call, ok := c2.Parent().(*ast.CallExpr); ok && c2.Name() == "Fun" && call.Fun == lit {
				return true // called on the spot: look inside
			}
			if r := e.bindLoopVars(lit, loop); r != nil {
				c2.Replace(r)
				return false
			}
			return true
		}, nil)
		return true
	})
}}

func (e *emitter) bindLoopVars(lit *ast.FuncLit, loop ast.Node) ast.Expr {
	tv, ok := e.c.info.Types[lit]
	if !ok {
		return nil
	}
	var names []string
	var vars []*types.Var
	seen := map[types.Object]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := e.c.info.Uses[id].(*types.Var)
		if !ok || v.IsField() || seen[v] {
			return true
		}
		p := v.Pos()
		if p >= loop.Pos() && p < loop.End() && !(p >= lit.Pos() && p < lit.End()) {
			seen[v] = true
			names = append(names, v.Name())
			vars = append(vars, v)
		}
		return true
	})
	if len(vars) == 0 {
		return nil
	}
	params := &ast.FieldList{}
	var args []ast.Expr
	for i, v := range vars {
		params.List = append(params.List, &ast.Field{Names: []*ast.Ident{ast.NewIdent(names[i])}, Type: e.typeExpr(v.Type())})
		args = append(args, ast.NewIdent(names[i]))
	}
	outer := &ast.FuncLit{
		Type: &ast.FuncType{Params: params, Results: &ast.FieldList{List: []*ast.Field{{Type: e.typeExpr(tv.Type)}}}},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ReturnStmt{Results: []ast.Expr{lit}}}},
	}
	return &ast.CallExpr{Fun: outer, Args: args}
}

package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"

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

// Pass loopFrame: yaegi v0.16.1 gives a function all its variables in one
// frame, so a loop's iterations share storage and a function literal is
// evaluated into the same frame slot every time round. Two gaps follow:
//
//   - goroutines and escaping closures see another iteration's variables:
//     the loop variables themselves (Go ≤ 1.21 semantics), and variables
//     that the body declares with a composite literal (`s := []int{i}`
//     reuses the storage of the previous iteration);
//   - a race inside yaegi: when a closure returns, yaegi writes back the
//     slot's previous value, so a goroutine of iteration k that ends while
//     iteration m evaluates the same literal makes iteration m start the
//     closure of an earlier iteration (or nil: "call of nil function").
//     Some goroutines run twice, others never.
//
// A loop whose body may let something outlive its iteration (a function
// literal, a go statement, &v or a method value of a variable declared in
// the loop, a slice of such an array) runs its body in a function of its
// own, called once per iteration: a fresh frame per iteration, so each
// iteration has its own variables and its own literal slots by
// construction. The loop's variables are the function's parameters; a
// three-clause loop whose body assigns them gets them back as results:
//
//	for i := 0; i < n; i++ { body }
//
// becomes
//
//	for i := 0; i < n; i++ { func(i int) { body }(i) }              // body leaves i alone
//	for i := 0; i < n; i++ { i = func(i int) int { body; return i }(i) }
//
// break, continue and return leave the body's function with a code that
// the loop then acts on (break and continue to a label outside the body,
// return with the enclosing function's results):
//
//	_gl_k := func(v T) int { ...; return 1 /* break */; ...; return 0 }(v)
//	if _gl_k == 1 { break }
//
// A defer statement in the body runs when the enclosing function returns,
// not the body's: such a loop keeps its body and gets `v := v` copies of
// its variables instead; if it also starts goroutines or makes function
// literals, the cell is refused (goto out of the body too).
var passLoopFrame = pass{"loopFrame", func(e *emitter, root ast.Node) {
	var sig *types.Signature
	switch r := root.(type) {
	case *ast.FuncDecl:
		sig = e.funcSig(r.Name)
	default:
		if e.c.cur.body != nil && root == ast.Node(e.c.cur.body.Body) {
			sig = e.funcSig(e.c.cur.body.Name)
		}
	}
	e.loopFrames(root, sig)
}}

func (e *emitter) funcSig(name *ast.Ident) *types.Signature {
	if obj := e.c.info.Defs[name]; obj != nil {
		sig, _ := obj.Type().(*types.Signature)
		return sig
	}
	return nil
}

// loopFrames rewrites the loops under n, inner loops first; sig is the
// function that holds n.
func (e *emitter) loopFrames(n ast.Node, sig *types.Signature) {
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			if x == n {
				return true
			}
			var s *types.Signature
			if tv, ok := e.c.info.Types[x]; ok {
				s, _ = tv.Type.(*types.Signature)
			}
			e.loopFrames(x.Body, s)
			return false
		case *ast.FuncDecl:
			if x == n {
				return true
			}
			if x.Body != nil {
				e.loopFrames(x.Body, e.funcSig(x.Name))
			}
			return false
		case *ast.LabeledStmt:
			switch x.Stmt.(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				e.loopFrames(loopBody(x.Stmt), sig)
				e.loopFrame(x.Stmt, x.Label.Name, sig)
				return false
			}
		case *ast.ForStmt, *ast.RangeStmt:
			e.loopFrames(loopBody(x), sig)
			e.loopFrame(x.(ast.Stmt), "", sig)
			return false
		}
		return true
	})
}

func loopBody(loop ast.Node) *ast.BlockStmt {
	switch l := loop.(type) {
	case *ast.ForStmt:
		return l.Body
	case *ast.RangeStmt:
		return l.Body
	}
	return nil
}

// loopVars returns the variables a loop statement declares.
func (e *emitter) loopVars(loop ast.Stmt) []*types.Var {
	var ids []ast.Expr
	switch l := loop.(type) {
	case *ast.ForStmt:
		if as, ok := l.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			ids = as.Lhs
		}
	case *ast.RangeStmt:
		if l.Tok == token.DEFINE {
			ids = []ast.Expr{l.Key, l.Value}
		}
	}
	var vars []*types.Var
	for _, x := range ids {
		if id := identOf(x); id != nil && id.Name != "_" {
			if v, ok := e.c.info.Defs[id].(*types.Var); ok {
				vars = append(vars, v)
			}
		}
	}
	return vars
}

// outlives reports whether something made in a loop body may outlive its
// iteration: a function literal, a go statement, or the address of a
// variable declared in the loop (&v, v.M as a method value, v[:]).
func (e *emitter) outlives(loop ast.Node, body *ast.BlockStmt) bool {
	inLoop := func(x ast.Expr) bool {
		for {
			switch y := ast.Unparen(x).(type) {
			case *ast.SelectorExpr:
				if sel, ok := e.c.info.Selections[y]; ok && sel.Kind() == types.FieldVal {
					if _, ptr := sel.Recv().Underlying().(*types.Pointer); !ptr {
						x = y.X
						continue
					}
				}
				return false
			case *ast.IndexExpr:
				if tv, ok := e.c.info.Types[y.X]; ok {
					if _, arr := tv.Type.Underlying().(*types.Array); arr {
						x = y.X
						continue
					}
				}
				return false
			case *ast.Ident:
				v, ok := e.c.info.Uses[y].(*types.Var)
				return ok && v.Pos() >= loop.Pos() && v.Pos() < loop.End()
			default:
				return false
			}
		}
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt:
			found = true
		case *ast.UnaryExpr:
			if n.Op == token.AND && inLoop(n.X) {
				found = true
			}
		case *ast.SliceExpr:
			if tv, ok := e.c.info.Types[n.X]; ok {
				if _, arr := tv.Type.Underlying().(*types.Array); arr && inLoop(n.X) {
					found = true
				}
			}
		case *ast.SelectorExpr:
			// A method with a pointer receiver, called or as a value, takes &v.
			if sel, ok := e.c.info.Selections[n]; ok && sel.Kind() == types.MethodVal && inLoop(n.X) {
				if f, ok := sel.Obj().(*types.Func); ok {
					if r := f.Signature().Recv(); r != nil {
						if _, ptr := r.Type().Underlying().(*types.Pointer); ptr {
							found = true
						}
					}
				}
			}
		}
		return !found
	})
	return found
}

// bodyStmts calls f for the statements of a loop body that run in the
// loop's function (not those in function literals), with how deeply they
// are nested in loops (loops) and in statements that break leaves
// (breaks: loops, switch, select).
func bodyStmts(body *ast.BlockStmt, f func(c *astutil.Cursor, loops, breaks int)) {
	loops, breaks := 0, 0
	astutil.Apply(body, func(c *astutil.Cursor) bool {
		switch c.Node().(type) {
		case *ast.FuncLit:
			return false
		case *ast.ForStmt, *ast.RangeStmt:
			loops++
			breaks++
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			breaks++
		}
		return true
	}, func(c *astutil.Cursor) bool {
		switch c.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			loops--
			breaks--
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			breaks--
		}
		f(c, loops, breaks)
		return true
	})
}

func (e *emitter) loopFrame(loop ast.Stmt, label string, sig *types.Signature) {
	body := loopBody(loop)
	if !e.outlives(loop, body) {
		return
	}
	vars := e.loopVars(loop)
	// What the body does that its own function cannot: defer, goto out.
	inner := map[string]bool{} // labels declared in the body
	hasDefer, escapes := false, false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			hasDefer = true
			// A deferred literal runs when the function returns: look
			// inside for go statements only.
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
				ast.Inspect(lit.Body, func(n ast.Node) bool {
					if _, ok := n.(*ast.GoStmt); ok {
						escapes = true
					}
					return !escapes
				})
			}
			for _, a := range n.Call.Args {
				ast.Inspect(a, func(n ast.Node) bool {
					if _, ok := n.(*ast.FuncLit); ok {
						escapes = true
					}
					return !escapes
				})
			}
			return false
		case *ast.GoStmt:
			escapes = true
		case *ast.LabeledStmt:
			inner[n.Label.Name] = true
		}
		return true
	})
	if hasDefer {
		if escapes || e.hasLiteral(body) {
			e.refuse(loop.Pos(), "a loop whose body has a defer statement and also starts goroutines or makes function literals cannot give each iteration its own variables in the interpreter")
			return
		}
		// yaegi runs a deferred function literal in the frame as it is when
		// the function returns: it would see the last iteration's values.
		if e.defersLoopVars(loop, body) {
			e.refuse(loop.Pos(), "a deferred function literal that uses the variables of its loop would see the last iteration's values in the interpreter (pass them as arguments: defer func(v int) { ... }(v))")
			return
		}
		// The body stays; v := v gives each iteration fresh storage for the
		// loop's variables, which is all a deferred call can see. In a
		// block of its own: rangeInt declares v in the body too. (Not when
		// a three-clause loop's body assigns v: the copy would cut the
		// assignment off from the loop.)
		var lhs, rhs []ast.Expr
		for _, v := range vars {
			lhs, rhs = append(lhs, ast.NewIdent(v.Name())), append(rhs, ast.NewIdent(v.Name()))
		}
		if _, threeClause := loop.(*ast.ForStmt); threeClause && e.assignsVars(body, vars) {
			lhs = nil
		}
		if len(lhs) > 0 {
			body.List = []ast.Stmt{&ast.BlockStmt{List: append([]ast.Stmt{&ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs}}, body.List...)}}
		}
		return
	}
	gotoOut := false
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.GOTO && !inner[b.Label.Name] {
			gotoOut = true
		}
		return true
	})
	if gotoOut {
		e.refuse(loop.Pos(), "a goto out of a loop body that starts goroutines or makes function literals is not supported by the interpreter")
		return
	}

	_, threeClause := loop.(*ast.ForStmt)
	back := threeClause && len(vars) > 0 // the body's function gives the loop variables back
	if back && !e.assignsVars(body, vars) {
		back = false
	}
	var results []types.Type // the enclosing function's
	if sig != nil {
		for i := range sig.Results().Len() {
			results = append(results, sig.Results().At(i).Type())
		}
	}
	// Codes: 0 goes on with the next iteration.
	type exit struct {
		code int
		stmt ast.Stmt // what the loop does with the code
	}
	var exits []exit
	codes := map[string]int{}
	exitCode := func(key string, stmt func() ast.Stmt) int {
		if c, ok := codes[key]; ok {
			return c
		}
		c := len(exits) + 1
		codes[key] = c
		exits = append(exits, exit{c, stmt()})
		return c
	}
	var resNames []string // variables for the results of a return in the body
	varIdents := func() []ast.Expr {
		var xs []ast.Expr
		if back {
			for _, v := range vars {
				xs = append(xs, ast.NewIdent(v.Name()))
			}
		}
		return xs
	}
	leave := func(code int, withCode bool) ast.Stmt {
		xs := varIdents()
		if withCode {
			xs = append(xs, &ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(code)})
		}
		return &ast.ReturnStmt{Results: xs}
	}
	// First find the exits (whether the body's function returns a code
	// depends on all of them), then replace them.
	siteCode := map[ast.Stmt]int{}
	bodyStmts(body, func(c *astutil.Cursor, loops, breaks int) {
		switch n := c.Node().(type) {
		case *ast.BranchStmt:
			switch {
			case n.Tok == token.BREAK && n.Label == nil && breaks == 0:
				siteCode[n] = exitCode("break", func() ast.Stmt { return &ast.BranchStmt{Tok: token.BREAK} })
			case n.Tok == token.CONTINUE && n.Label == nil && loops == 0:
				siteCode[n] = 0
			case (n.Tok == token.BREAK || n.Tok == token.CONTINUE) && n.Label != nil && !inner[n.Label.Name]:
				tok, name := n.Tok, n.Label.Name
				if tok == token.CONTINUE && name == label {
					siteCode[n] = 0
					break
				}
				siteCode[n] = exitCode(tok.String()+" "+name, func() ast.Stmt {
					return &ast.BranchStmt{Tok: tok, Label: ast.NewIdent(name)}
				})
			}
		case *ast.ReturnStmt:
			if len(n.Results) == 0 {
				siteCode[n] = exitCode("return", func() ast.Stmt { return &ast.ReturnStmt{} })
				return
			}
			siteCode[n] = exitCode("return values", func() ast.Stmt {
				for range results {
					resNames = append(resNames, e.newName("r"))
				}
				ret := &ast.ReturnStmt{}
				for _, r := range resNames {
					ret.Results = append(ret.Results, ast.NewIdent(r))
				}
				return ret
			})
		}
	})
	withCode := len(exits) > 0
	bodyStmts(body, func(c *astutil.Cursor, loops, breaks int) {
		st, ok := c.Node().(ast.Stmt)
		if !ok {
			return
		}
		code, ok := siteCode[st]
		if !ok {
			return
		}
		ret := leave(code, withCode)
		if r, ok := st.(*ast.ReturnStmt); ok && len(r.Results) > 0 {
			var lhs []ast.Expr
			for _, name := range resNames {
				lhs = append(lhs, ast.NewIdent(name))
			}
			c.Replace(&ast.BlockStmt{List: []ast.Stmt{
				&ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: r.Results},
				ret,
			}})
			return
		}
		c.Replace(ret)
	})

	// The body's function.
	params := &ast.FieldList{}
	var args []ast.Expr
	for _, v := range vars {
		params.List = append(params.List, &ast.Field{Names: []*ast.Ident{ast.NewIdent(v.Name())}, Type: e.typeExpr(v.Type())})
		args = append(args, ast.NewIdent(v.Name()))
	}
	resList := &ast.FieldList{}
	if back {
		for _, v := range vars {
			resList.List = append(resList.List, &ast.Field{Type: e.typeExpr(v.Type())})
		}
	}
	if withCode {
		resList.List = append(resList.List, &ast.Field{Type: ast.NewIdent("int")})
	}
	fnBody := &ast.BlockStmt{Lbrace: body.Lbrace, List: body.List, Rbrace: body.Rbrace}
	if back || withCode {
		fnBody.List = append(fnBody.List, leave(0, withCode))
	}
	call := &ast.CallExpr{
		Fun:  &ast.FuncLit{Type: &ast.FuncType{Func: body.Lbrace, Params: params, Results: resList}, Body: fnBody},
		Args: args,
	}
	var stmts []ast.Stmt
	k := e.newName("k")
	switch {
	case back && withCode:
		stmts = append(stmts, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{
			&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(k)}, Type: ast.NewIdent("int")},
		}}})
		stmts = append(stmts, &ast.AssignStmt{Lhs: append(varIdents(), ast.NewIdent(k)), Tok: token.ASSIGN, Rhs: []ast.Expr{call}})
	case back:
		stmts = append(stmts, &ast.AssignStmt{Lhs: varIdents(), Tok: token.ASSIGN, Rhs: []ast.Expr{call}})
	case withCode:
		stmts = append(stmts, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(k)}, Tok: token.DEFINE, Rhs: []ast.Expr{call}})
	default:
		stmts = append(stmts, &ast.ExprStmt{X: call})
	}
	if len(resNames) > 0 {
		var specs []ast.Stmt
		for i, name := range resNames {
			specs = append(specs, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{
				&ast.ValueSpec{Names: []*ast.Ident{ast.NewIdent(name)}, Type: e.typeExpr(results[i])},
			}}})
		}
		stmts = append(specs, stmts...)
	}
	for _, x := range exits {
		stmts = append(stmts, &ast.IfStmt{
			Cond: &ast.BinaryExpr{X: ast.NewIdent(k), Op: token.EQL, Y: &ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(x.code)}},
			Body: &ast.BlockStmt{List: []ast.Stmt{x.stmt}},
		})
	}
	body.List = stmts
}

// hasLiteral reports whether a block makes a function literal that is not
// deferred.
func (e *emitter) hasLiteral(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.DeferStmt:
			if _, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
				for _, a := range n.Call.Args {
					ast.Inspect(a, func(m ast.Node) bool {
						if _, ok := m.(*ast.FuncLit); ok {
							found = true
						}
						return !found
					})
				}
				return false
			}
		case *ast.FuncLit:
			found = true
		}
		return !found
	})
	return found
}

// assignsVars reports whether a loop body may change one of the loop's
// variables: assigns it, increments it or takes its address.
func (e *emitter) assignsVars(body *ast.BlockStmt, vars []*types.Var) bool {
	set := map[types.Object]bool{}
	for _, v := range vars {
		set[v] = true
	}
	is := func(x ast.Expr) bool {
		id := identOf(ast.Unparen(x))
		return id != nil && set[e.c.info.Uses[id]]
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if is(l) {
					found = true
				}
			}
		case *ast.IncDecStmt:
			if is(n.X) {
				found = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND && is(n.X) {
				found = true
			}
		case *ast.RangeStmt:
			if is(n.Key) || (n.Value != nil && is(n.Value)) {
				found = true
			}
		}
		return !found
	})
	return found
}

// refuse records that the interpreter cannot run a construct exactly: the
// cell is rejected with an error that names it and points to %%run.
func (e *emitter) refuse(pos token.Pos, what string) {
	p := e.s.fset.Position(pos)
	n := e.c.cur.n
	if c, ok := strings.CutPrefix(p.Filename, "cell "); ok {
		if m, err := strconv.Atoi(c); err == nil {
			n = m
		}
	}
	e.refusals = append(e.refusals, &Error{Cell: n, Line: p.Line, Col: p.Column, Msg: what + "; run the cell compiled with %%run"})
}

// defersLoopVars reports whether a deferred function literal in a loop body
// uses a variable declared in the loop.
func (e *emitter) defersLoopVars(loop ast.Node, body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			_, lit := n.(*ast.FuncLit)
			return !found && !lit
		}
		if lit, ok := ast.Unparen(d.Call.Fun).(*ast.FuncLit); ok {
			ast.Inspect(lit.Body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if v, ok := e.c.info.Uses[id].(*types.Var); ok && v.Pos() >= loop.Pos() && v.Pos() < loop.End() && !(v.Pos() >= lit.Pos() && v.Pos() < lit.End()) {
						found = true
					}
				}
				return !found
			})
		}
		return false
	})
	return found
}

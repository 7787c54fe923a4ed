package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass multiAssign: yaegi v0.16.1 gets several kinds of assignment of
// more than one value wrong (a, b = x, y; a, b := x, y; var a, b = x, y):
//   - it assigns a call, a receive or a composite literal straight to its
//     destination, and then skips the whole statement, so the other
//     values are lost: a, n = 1, len(s) and a, b := 1, <-ch leave a at 0
//     (cfg.go sets n.gen = nop for the statement while optimizing one
//     pair; for a call, only with =);
//   - with =, an operand of type any (an empty interface) gets a
//     temporary of yaegi's own interface representation
//     (interp.valueInterface) but is read as a plain interface{}:
//     "reflect.Set: value of type interface {} is not assignable to type
//     interp.valueInterface" (t.result, t.err = v, err);
//   - nil has no type to make a temporary of: "reflect: New(nil)"
//     (closed, quit = true, nil).
//
// In a statement list, the values go to temporaries first, then the
// assignment takes them one by one (=, in a block) or all together (:=,
// where the temporaries are plain identifiers):
//
//	t.r, t.err = v, nil  ->  { _gl_a1 := v; var _gl_a2 error = nil; t.r = _gl_a1; t.err = _gl_a2 }
//	a, b := 1, <-ch      ->  var _gl_a1 int = 1; _gl_a2 := <-ch; a, b := _gl_a1, _gl_a2
//
// yaegi evaluates all the right-hand sides before the left-hand operands
// anyway, so the order of evaluation does not change. Elsewhere (the init
// of an if or for statement, a var declaration) the values go through a
// function literal, whose results yaegi assigns one by one, unless a map
// element is assigned (yaegi would assign a copy of it):
//
//	if a, b := 1, <-ch; a < b {  ->  if a, b := func() (int, int) { return 1, <-ch }(); a < b {
var passMultiAssign = pass{"multiAssign", func(e *emitter, root ast.Node) {
	typeOf := func(x ast.Expr) types.Type {
		if tv, ok := e.c.info.Types[x]; ok && tv.Type != nil {
			return tv.Type
		}
		if id, ok := x.(*ast.Ident); ok {
			if obj := e.c.info.Uses[id]; obj != nil {
				return obj.Type()
			}
			if obj := e.c.info.Defs[id]; obj != nil {
				return obj.Type()
			}
		}
		return nil
	}
	isConst := func(x ast.Expr) bool {
		tv := e.c.info.Types[x]
		return tv.Value != nil || tv.IsNil()
	}
	isAny := func(x ast.Expr) bool {
		t := typeOf(x)
		if t == nil {
			return false
		}
		if _, ok := types.Unalias(t).(*types.TypeParam); ok {
			return false
		}
		it, ok := t.Underlying().(*types.Interface)
		return ok && it.Empty()
	}
	breaks := func(x ast.Expr, define bool) bool {
		switch x := ast.Unparen(x).(type) {
		case *ast.CompositeLit:
			return true
		case *ast.UnaryExpr:
			return x.Op == token.ARROW
		case *ast.CallExpr:
			return !define
		}
		return e.c.info.Types[x].IsNil() || !define && isAny(x)
	}
	isBlank := func(x ast.Expr) bool {
		id, ok := x.(*ast.Ident)
		return ok && id.Name == "_"
	}
	// destType is the type the i-th value is assigned as.
	destType := func(lhs, rhs []ast.Expr, i int) types.Type {
		if lhs != nil && !isBlank(lhs[i]) {
			if t := typeOf(lhs[i]); t != nil {
				return t
			}
		}
		if t := typeOf(rhs[i]); t != nil && !e.c.info.Types[rhs[i]].IsNil() {
			return types.Default(t)
		}
		return nil
	}
	// temps takes the values into temporaries, as the statements that
	// declare them and the temporaries; ts are the destination types.
	temps := func(ts []types.Type, rhs []ast.Expr) ([]ast.Stmt, []ast.Expr, bool) {
		var stmts []ast.Stmt
		tmps := make([]ast.Expr, len(rhs))
		for i, r := range rhs {
			tmp := ast.NewIdent(e.newName("a"))
			tmps[i] = tmp
			if isConst(r) {
				// A constant or nil takes the type of its destination.
				if ts[i] == nil {
					return nil, nil, false
				}
				stmts = append(stmts, &ast.DeclStmt{Decl: &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{
					&ast.ValueSpec{Names: []*ast.Ident{tmp}, Type: e.typeExpr(ts[i]), Values: []ast.Expr{r}},
				}}})
				continue
			}
			stmts = append(stmts, &ast.AssignStmt{Lhs: []ast.Expr{tmp}, Tok: token.DEFINE, Rhs: []ast.Expr{r}})
		}
		return stmts, tmps, true
	}
	// viaFunc returns func() (T1, ..., Tn) { temporaries; return them }(),
	// or nil.
	viaFunc := func(ts []types.Type, rhs []ast.Expr) ast.Expr {
		results := make([]string, len(ts))
		for i, t := range ts {
			if t == nil {
				return nil
			}
			results[i] = e.typeString(t)
		}
		stmts, tmps, ok := temps(ts, rhs)
		if !ok {
			return nil
		}
		lit := parseExpr("func() (" + strings.Join(results, ", ") + ") {}").(*ast.FuncLit)
		lit.Body.List = append(stmts, &ast.ReturnStmt{Results: tmps})
		return &ast.CallExpr{Fun: lit}
	}
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.ValueSpec:
			if len(n.Names) < 2 || len(n.Names) != len(n.Values) {
				return true
			}
			needed := false
			for _, v := range n.Values {
				needed = needed || breaks(v, true)
			}
			if !needed {
				return true
			}
			var ts []types.Type
			for _, id := range n.Names {
				var t types.Type
				if obj := e.c.info.Defs[id]; obj != nil {
					t = obj.Type()
				}
				ts = append(ts, t)
			}
			if call := viaFunc(ts, n.Values); call != nil {
				n.Values = []ast.Expr{call}
			}
		case *ast.AssignStmt:
			define := n.Tok == token.DEFINE
			if !define && n.Tok != token.ASSIGN || len(n.Lhs) < 2 || len(n.Lhs) != len(n.Rhs) {
				return true
			}
			needed := false
			for _, r := range n.Rhs {
				needed = needed || breaks(r, define)
			}
			if !needed {
				return true
			}
			var ts []types.Type
			for i, l := range n.Lhs {
				if ix, ok := l.(*ast.IndexExpr); ok && !define && c.Index() < 0 {
					if _, isMap := typeOf(ix.X).Underlying().(*types.Map); isMap {
						return true
					}
				}
				ts = append(ts, destType(n.Lhs, n.Rhs, i))
			}
			if c.Index() < 0 { // not in a statement list
				if call := viaFunc(ts, n.Rhs); call != nil {
					n.Rhs = []ast.Expr{call}
				}
				return true
			}
			stmts, tmps, ok := temps(ts, n.Rhs)
			if !ok {
				return true
			}
			if define {
				for _, st := range stmts {
					c.InsertBefore(st)
				}
				n.Rhs = tmps
				return true
			}
			for i, l := range n.Lhs {
				stmts = append(stmts, &ast.AssignStmt{Lhs: []ast.Expr{l}, TokPos: n.TokPos, Tok: token.ASSIGN, Rhs: []ast.Expr{tmps[i]}})
			}
			c.Replace(&ast.BlockStmt{List: stmts})
		}
		return true
	})
}}

// Pass unnamedParams: yaegi v0.16.1 allocates no frame slot for an
// unnamed parameter (func(int), func(context.Context); cfg.go defines
// only named ones), yet the call copies the argument into the frame, where
// it lands in the slot of a local variable or of a value the body uses:
// "reflect.Set: value of type context.Context is not assignable to type
// func(...interface {}) (int, error)". Such parameters are named _:
//
//	func(context.Context) (any, error) { ... }  ->  func(_ context.Context) (any, error) { ... }
var passUnnamedParams = pass{"unnamedParams", func(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		var ft *ast.FuncType
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body != nil {
				ft = n.Type
			}
		case *ast.FuncLit:
			ft = n.Type
		}
		if ft == nil || ft.Params == nil {
			return true
		}
		for _, f := range ft.Params.List {
			if len(f.Names) == 0 {
				f.Names = []*ast.Ident{ast.NewIdent("_")}
			}
		}
		return true
	})
}}

// Pass recvAssign: yaegi v0.16.1 lets a receive write straight into the
// variable it is assigned to, and what it writes there is not addressable:
// after r := <-ch, r++ and &r panic ("reflect.Value.Addr of unaddressable
// value", "reflect: reflect.Value.Set using unaddressable value"), and
// t.f = <-ch or s[i] = <-ch are lost. The received value goes through a
// conversion to its own type, which yaegi copies into the variable:
//
//	r := <-ch  ->  r := (T)(<-ch)
var passRecvAssign = pass{"recvAssign", func(e *emitter, root ast.Node) {
	conv := func(x ast.Expr) ast.Expr {
		u, ok := ast.Unparen(x).(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW {
			return x
		}
		tv, ok := e.c.info.Types[u]
		if !ok || tv.Type == nil {
			return x
		}
		if _, tuple := tv.Type.(*types.Tuple); tuple {
			return x
		}
		return &ast.CallExpr{Fun: &ast.ParenExpr{X: e.typeExpr(tv.Type)}, Args: []ast.Expr{x}}
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == 1 && len(n.Rhs) == 1 && (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) {
				n.Rhs[0] = conv(n.Rhs[0])
			}
		case *ast.ValueSpec:
			if len(n.Names) == 1 && len(n.Values) == 1 {
				n.Values[0] = conv(n.Values[0])
			}
		}
		return true
	})
}}

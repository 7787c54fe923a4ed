package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass multiAssignAny: yaegi v0.16.1 runs a, b = x, y through temporaries,
// and gives an operand of type any (an empty interface) a temporary of its
// own interface representation (interp.valueInterface) while it reads the
// operand as a plain interface{}: "reflect.Set: value of type interface {}
// is not assignable to type interp.valueInterface" (a result and an error
// stored together: t.result, t.err = v, err). The assignment becomes single
// assignments from temporaries, in a block:
//
//	t.r, t.err = v, err  ->  { _gl_a1 := v; _gl_a2 := err; t.r = _gl_a1; t.err = _gl_a2 }
//
// yaegi already evaluates all the right-hand sides before the left-hand
// operands, so the order of evaluation does not change. Where a block
// cannot stand (the post statement of a for loop), the right-hand sides
// go through a function literal instead, unless a map element is assigned
// (yaegi assigns a function's results to a copy of it):
//
//	a, b = b, a  ->  a, b = func() (any, any) { return b, a }()
var passMultiAssignAny = pass{"multiAssignAny", func(e *emitter, root ast.Node) {
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
	isAny := func(t types.Type) bool {
		if t == nil {
			return false
		}
		if _, ok := types.Unalias(t).(*types.TypeParam); ok {
			return false
		}
		it, ok := t.Underlying().(*types.Interface)
		return ok && it.Empty()
	}
	isBlank := func(x ast.Expr) bool {
		id, ok := x.(*ast.Ident)
		return ok && id.Name == "_"
	}
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		as, ok := c.Node().(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) < 2 || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		needed := false
		for _, r := range as.Rhs {
			needed = needed || isAny(typeOf(r))
		}
		if !needed {
			return true
		}
		if c.Index() >= 0 { // in a statement list
			block := &ast.BlockStmt{}
			var tmps []ast.Expr
			for _, r := range as.Rhs {
				tmp := ast.NewIdent(e.newName("a"))
				tmps = append(tmps, tmp)
				block.List = append(block.List, &ast.AssignStmt{Lhs: []ast.Expr{tmp}, Tok: token.DEFINE, Rhs: []ast.Expr{r}})
			}
			for i, l := range as.Lhs {
				block.List = append(block.List, &ast.AssignStmt{Lhs: []ast.Expr{l}, TokPos: as.TokPos, Tok: token.ASSIGN, Rhs: []ast.Expr{tmps[i]}})
			}
			c.Replace(block)
			return true
		}
		results := make([]string, len(as.Lhs))
		for i, l := range as.Lhs {
			if ix, ok := l.(*ast.IndexExpr); ok {
				if _, isMap := typeOf(ix.X).Underlying().(*types.Map); isMap {
					return true
				}
			}
			t := typeOf(l)
			if isBlank(l) || t == nil {
				t = typeOf(as.Rhs[i])
			}
			if t == nil {
				return true
			}
			results[i] = e.typeString(types.Default(t))
		}
		lit := parseExpr("func() (" + strings.Join(results, ", ") + ") { return }").(*ast.FuncLit)
		lit.Body.List[0].(*ast.ReturnStmt).Results = as.Rhs
		as.Rhs = []ast.Expr{&ast.CallExpr{Fun: lit}}
		return true
	})
}}

// Pass unnamedParams: yaegi v0.16.1 gives a function's unnamed parameter
// of a named type (func(int), func(context.Context)) no slot of its own in
// the function's frame, so the argument lands in the slot of a local
// variable or a package value the body uses: "reflect.Set: value of type
// context.Context is not assignable to type func(...interface {}) (int,
// error)". Such parameters are named _:
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

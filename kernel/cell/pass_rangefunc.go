package cell

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass rangeFunc: Go 1.23's range over functions (iter.Seq, iter.Seq2)
// crashes yaegi v0.16.1 ("nil type"). The loop body becomes the yield
// function:
//
//	for k, v := range seq { body }
//
// becomes
//
//	{ var _gl_ctl int; var _gl_r0 R0 ...
//	  seq(func(_gl_k K, _gl_v V) bool { k, v := _gl_k, _gl_v; body'; return true })
//	  if _gl_ctl == 1 { return _gl_r0 ... } }
//
// where in body' continue is `return true`, break is `return false`, and
// return stores the results, sets _gl_ctl and returns false. A break or
// continue to a label outside the loop sets _gl_ctl too and is done after
// the call. (defer in such a loop body runs when the body returns, not
// when the enclosing function does.)
var passRangeFunc = pass{"rangeFunc", func(e *emitter, root ast.Node) {
	var sigs []*types.Signature
	astutil.Apply(root, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.FuncDecl:
			var sig *types.Signature
			if obj := e.c.info.Defs[n.Name]; obj != nil {
				sig, _ = obj.Type().(*types.Signature)
			}
			sigs = append(sigs, sig)
		case *ast.FuncLit:
			sig, _ := e.c.info.Types[n].Type.(*types.Signature)
			sigs = append(sigs, sig)
		}
		return true
	}, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			sigs = sigs[:len(sigs)-1]
		case *ast.RangeStmt:
			var sig *types.Signature
			if len(sigs) > 0 {
				sig = sigs[len(sigs)-1]
			}
			label := ""
			if l, ok := c.Parent().(*ast.LabeledStmt); ok {
				label = l.Label.Name
			}
			if r := e.rewriteRangeFunc(n, sig, label); r != nil {
				if label != "" {
					// The label now names a block: keep it valid.
					c.Replace(&ast.ForStmt{Body: &ast.BlockStmt{List: []ast.Stmt{r, &ast.BranchStmt{Tok: token.BREAK}}}})
				} else {
					c.Replace(r)
				}
			}
		}
		return true
	})
}}

func (e *emitter) rewriteRangeFunc(rs *ast.RangeStmt, encl *types.Signature, label string) ast.Stmt {
	tv, ok := e.c.info.Types[rs.X]
	if !ok {
		return nil
	}
	sig, ok := tv.Type.Underlying().(*types.Signature)
	if !ok || sig.Params().Len() != 1 {
		return nil
	}
	yield, ok := sig.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok {
		return nil
	}
	ctl := e.newName("ctl")
	var pre []ast.Stmt
	pre = append(pre, parseStmt("var "+ctl+" int"))
	var results []string
	named := false
	if encl != nil {
		for i := range encl.Results().Len() {
			r := encl.Results().At(i)
			if r.Name() != "" && r.Name() != "_" {
				named = true
			}
			name := e.newName("r")
			results = append(results, name)
			pre = append(pre, parseStmt("var "+name+" "+e.typeString(r.Type())))
		}
	}
	// Parameters of the yield function, and the loop variables.
	params := &ast.FieldList{}
	var lhs, rhs []ast.Expr
	for i, v := range []ast.Expr{rs.Key, rs.Value} {
		if i >= yield.Params().Len() {
			break
		}
		p := e.newName("p")
		params.List = append(params.List, &ast.Field{Names: []*ast.Ident{ast.NewIdent(p)}, Type: e.typeExpr(yield.Params().At(i).Type())})
		if v != nil && !isBlank(v) {
			lhs, rhs = append(lhs, v), append(rhs, ast.NewIdent(p))
		}
	}
	for i := len(params.List); i < yield.Params().Len(); i++ {
		params.List = append(params.List, &ast.Field{Names: []*ast.Ident{ast.NewIdent("_")}, Type: e.typeExpr(yield.Params().At(i).Type())})
	}
	var after []ast.Stmt
	outer := map[string]int{} // "break L" / "continue L" -> ctl value
	body := e.yieldBody(rs.Body, label, ctl, results, encl, named, outer)
	if len(lhs) > 0 {
		tok := rs.Tok
		if tok != token.DEFINE {
			tok = token.ASSIGN
		}
		body.List = append([]ast.Stmt{&ast.AssignStmt{Lhs: lhs, Tok: tok, Rhs: rhs}}, body.List...)
	}
	body.List = append(body.List, parseStmt("return true"))
	lit := &ast.FuncLit{
		Type: &ast.FuncType{Params: params, Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent("bool")}}}},
		Body: body,
	}
	call := &ast.ExprStmt{X: &ast.CallExpr{Fun: rs.X, Args: []ast.Expr{lit}}}
	if encl != nil {
		ret := "return"
		if !named && len(results) > 0 {
			ret += " " + joinNames(results)
		}
		after = append(after, parseStmt("if "+ctl+" == 1 { "+ret+" }"))
	}
	for branch, v := range outer {
		after = append(after, parseStmt("if "+ctl+" == "+strconv.Itoa(v)+" { "+branch+" }"))
	}
	list := append(pre, call)
	list = append(list, after...)
	return &ast.BlockStmt{List: list}
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

// yieldBody rewrites a range-over-func loop body into a yield function's
// body.
func (e *emitter) yieldBody(body *ast.BlockStmt, label, ctl string, results []string, encl *types.Signature, named bool, outer map[string]int) *ast.BlockStmt {
	// Labels declared inside the body are not outer targets.
	inner := map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			inner[l.Label.Name] = true
		}
		return true
	})
	// depth counts enclosing loops (for continue) and breakable statements
	// (for break) inside the body.
	var walk func(n ast.Node, loops, breaks int) ast.Node
	walk = func(n ast.Node, loops, breaks int) ast.Node {
		return astutil.Apply(n, func(c *astutil.Cursor) bool {
			switch s := c.Node().(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				if c.Node() != n {
					walk(s, loops+1, breaks+1)
					return false
				}
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if c.Node() != n {
					walk(s, loops, breaks+1)
					return false
				}
			case *ast.BranchStmt:
				switch {
				case s.Label == nil && s.Tok == token.CONTINUE && loops == 0:
					c.Replace(parseStmt("return true"))
				case s.Label == nil && s.Tok == token.BREAK && breaks == 0:
					c.Replace(parseStmt("return false"))
				case s.Label != nil && s.Label.Name == label && s.Tok == token.CONTINUE:
					c.Replace(parseStmt("return true"))
				case s.Label != nil && s.Label.Name == label && s.Tok == token.BREAK:
					c.Replace(parseStmt("return false"))
				case s.Label != nil && !inner[s.Label.Name] && (s.Tok == token.BREAK || s.Tok == token.CONTINUE):
					branch := s.Tok.String() + " " + s.Label.Name
					v, ok := outer[branch]
					if !ok {
						v = len(outer) + 2
						outer[branch] = v
					}
					c.Replace(parseStmt("{ " + ctl + " = " + strconv.Itoa(v) + "; return false }"))
				}
			case *ast.ReturnStmt:
				var list []ast.Stmt
				if len(s.Results) > 0 {
					var lhs []ast.Expr
					for _, r := range results {
						lhs = append(lhs, ast.NewIdent(r))
					}
					if named {
						// Named results: assign them, then a bare return.
						lhs = nil
						for i := range encl.Results().Len() {
							lhs = append(lhs, ast.NewIdent(encl.Results().At(i).Name()))
						}
					}
					list = append(list, &ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: s.Results})
				}
				list = append(list, parseStmt(ctl+" = 1"), parseStmt("return false"))
				c.Replace(&ast.BlockStmt{List: list})
			}
			return true
		}, nil)
	}
	return walk(body, 0, 0).(*ast.BlockStmt)
}

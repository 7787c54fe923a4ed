package cell

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass builtins: yaegi v0.16.1 does not know Go 1.21's min, max and clear.
// A constant call becomes its value; other calls become function literals:
//
//	min(a, b) -> func(m T, r ...T) T { for _, x := range r { if x < m { m = x } }; return m }(a, b)
//	clear(m)  -> func(m M) { for k := range m { delete(m, k) } }(m)
//	clear(s)  -> func(s S) { var z E; for i := range s { s[i] = z } }(s)
var passBuiltins = pass{"builtins", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, name := e.builtinCall(c.Node())
		switch name {
		case "min", "max":
			tv := e.c.info.Types[call]
			if tv.Value != nil {
				c.Replace(constExpr(e, tv))
				return true
			}
			if hasTypeParam(tv.Type) {
				return true
			}
			ts := e.typeString(tv.Type)
			op := "<"
			if name == "max" {
				op = ">"
			}
			lit := parseExpr("func(m " + ts + ", r ..." + ts + ") " + ts + " { for _, x := range r { if x " + op + " m { m = x } }; return m }")
			c.Replace(&ast.CallExpr{Fun: lit, Args: call.Args})
		case "clear":
			if len(call.Args) != 1 {
				return true
			}
			t := e.c.info.Types[call.Args[0]].Type
			if t == nil || hasTypeParam(t) {
				return true
			}
			ts := e.typeString(t)
			var lit ast.Expr
			switch u := t.Underlying().(type) {
			case *types.Map:
				lit = parseExpr("func(m " + ts + ") { for k := range m { delete(m, k) } }")
			case *types.Slice:
				lit = parseExpr("func(s " + ts + ") { var z " + e.typeString(u.Elem()) + "; for i := range s { s[i] = z } }")
			default:
				return true
			}
			c.Replace(&ast.CallExpr{Fun: lit, Args: call.Args})
		}
		return true
	})
}}

// constExpr writes a constant value as an expression of its type.
func constExpr(e *emitter, tv types.TypeAndValue) ast.Expr {
	var lit ast.Expr
	v := tv.Value
	switch v.Kind() {
	case constant.String:
		lit = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(constant.StringVal(v))}
	case constant.Int:
		lit = &ast.BasicLit{Kind: token.INT, Value: v.ExactString()}
	case constant.Float:
		f, _ := constant.Float64Val(v)
		lit = &ast.BasicLit{Kind: token.FLOAT, Value: strconv.FormatFloat(f, 'g', -1, 64)}
	case constant.Bool:
		lit = ast.NewIdent(v.String())
	default:
		lit = &ast.BasicLit{Kind: token.FLOAT, Value: v.String()}
	}
	if b, ok := tv.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		return lit
	}
	return &ast.CallExpr{Fun: e.typeExpr(tv.Type), Args: []ast.Expr{lit}}
}

// builtinCall returns n as a call of a builtin function and the builtin's
// name (min(a, b): "min"), or "" when n is no such call.
func (e *emitter) builtinCall(n ast.Node) (*ast.CallExpr, string) {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return nil, ""
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil, ""
	}
	b, ok := e.c.info.Uses[id].(*types.Builtin)
	if !ok {
		return nil, ""
	}
	return call, b.Name()
}

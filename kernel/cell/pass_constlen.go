package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass constLen: len and cap of an array (or a pointer to one) are
// constants in Go when the operand has no call and no receive, and the
// operand is not evaluated (len(s[10]) of a [][30]int s is 30, even when
// s is empty). yaegi v0.16.1 evaluates the operand: an index out of range,
// a nil dereference. A len or cap whose value is constant becomes it:
//
//	len(s[10])  ->  int(30)
//
// and len or cap of a pointer to an array, which Go never dereferences
// (len(p) of a nil *[40]int is 40), becomes the array's length with the
// pointer still evaluated:
//
//	len(f())  ->  func(any) int { return 40 }(f())
var passConstLen = pass{"constLen", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, name := e.builtinCall(c.Node())
		if name != "len" && name != "cap" || len(call.Args) != 1 {
			return true
		}
		tv, ok := e.c.info.Types[call]
		if !ok {
			return true
		}
		if tv.Value == nil {
			// len(p) of a pointer to an array is the array's length, also
			// when p is nil; yaegi dereferences p. p is still evaluated.
			pt, ok := types.Unalias(e.c.info.TypeOf(call.Args[0])).(*types.Pointer)
			if !ok || hasTypeParam(pt) {
				return true
			}
			at, ok := pt.Elem().Underlying().(*types.Array)
			if !ok {
				return true
			}
			lit := parseExpr(fmt.Sprintf("func(any) int { return %d }", at.Len())).(*ast.FuncLit)
			c.Replace(&ast.CallExpr{Fun: lit, Args: call.Args})
			return true
		}
		if _, str := ast.Unparen(call.Args[0]).(*ast.BasicLit); str {
			return true // len("abc"): nothing to evaluate
		}
		c.Replace(&ast.CallExpr{Fun: ast.NewIdent("int"), Args: []ast.Expr{&ast.BasicLit{ValuePos: call.Pos(), Kind: token.INT, Value: tv.Value.ExactString()}}})
		return true
	})
}}

package cell

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
)

// Pass shiftTypes: in a shift whose count is not constant, an untyped
// constant operand takes the type the context gives it (val | 1<<pos is a
// uint64 when val is one), and a constant count may be any untyped
// constant representable as a uint (x << 1., x << (1+0i)). yaegi v0.16.1
// makes the operand an int (reflect: call of reflect.Value.SetUint on int
// Value) and cannot use a float or complex count. The operand gets its
// type, and a constant count becomes a uint:
//
//	val | 1<<pos  ->  val | uint64(1)<<pos
//	x << 1.       ->  x << uint(1)
var passShiftTypes = pass{"shiftTypes", func(e *emitter, root ast.Node) {
	info := e.c.info
	counts := map[ast.Expr]bool{} // the shift counts that are shifts
	ast.Inspect(root, func(n ast.Node) bool {
		if b, ok := n.(*ast.BinaryExpr); ok && (b.Op == token.SHL || b.Op == token.SHR) {
			counts[ast.Unparen(b.Y)] = true
		}
		return true
	})
	ast.Inspect(root, func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryExpr)
		if !ok || b.Op != token.SHL && b.Op != token.SHR {
			return true
		}
		if tv := info.Types[b]; tv.Value != nil {
			return true // a constant: no shift at run time
		}
		if tv, ok := info.Types[b.Y]; ok && tv.Value != nil {
			if v := constant.ToInt(tv.Value); v.Kind() == constant.Int {
				b.Y = &ast.CallExpr{Fun: ast.NewIdent("uint"), Args: []ast.Expr{&ast.BasicLit{ValuePos: b.Y.Pos(), Kind: token.INT, Value: v.ExactString()}}}
			}
		}
		tv, ok := info.Types[b.X]
		if !ok || tv.Value == nil || tv.Type == nil {
			return true
		}
		bt, ok := tv.Type.Underlying().(*types.Basic)
		if !ok || hasTypeParam(tv.Type) {
			return true
		}
		typ := ""
		switch {
		case bt.Info()&types.IsUntyped != 0 && counts[b]:
			typ = "uint" // a shift count: 1<<x in y<<(1<<x)
		case bt.Info()&types.IsUntyped == 0 && bt.Info()&types.IsInteger != 0:
			typ = e.typeString(tv.Type)
		default:
			return true
		}
		if v := constant.ToInt(tv.Value); v.Kind() == constant.Int {
			b.X = &ast.CallExpr{Fun: parseExpr(typ), Args: []ast.Expr{&ast.BasicLit{ValuePos: b.X.Pos(), Kind: token.INT, Value: v.ExactString()}}}
		}
		return true
	})
}}

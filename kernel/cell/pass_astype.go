package cell

import (
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass errorsAsType: errors.AsType (Go 1.26) is generic, so yaegi's symbol
// tables do not have it ("has no symbol AsType"). A call becomes a
// function literal around errors.As, or around pass errors' walk when E
// is a cell's type:
//
//	errors.AsType[*MyErr](err)  ->  func(err error) (*MyErr, bool) { var t *MyErr; ok := errors.As(err, &t); return t, ok }(err)
//
// Inside a generic function (E a type parameter) the call stays as it is,
// and yaegi refuses it.
var passErrorsAsType = pass{"errorsAsType", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, ok := c.Node().(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		sel, ok := genericFunc(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		f, ok := e.c.info.Uses[sel.Sel].(*types.Func)
		if !ok || f.Pkg() == nil || f.Pkg().Path() != "errors" || f.Name() != "AsType" {
			return true
		}
		inst, ok := e.c.info.Instances[sel.Sel]
		if !ok || inst.TypeArgs.Len() != 1 || hasTypeParam(inst.TypeArgs.At(0)) {
			return true
		}
		elem := inst.TypeArgs.At(0)
		ts := e.typeString(elem)
		as := e.importAlias("errors", "errors") + ".As"
		if fn := e.errorsAs(elem); fn != nil {
			var b strings.Builder
			printer.Fprint(&b, token.NewFileSet(), fn)
			as = "(" + b.String() + ")"
		}
		lit := parseExpr("func(err error) (" + ts + ", bool) { var t " + ts + "; ok := " + as + "(err, &t); return t, ok }")
		c.Replace(&ast.CallExpr{Fun: lit, Lparen: call.Lparen, Args: call.Args, Rparen: call.Rparen})
		return true
	})
}}

package cell

import (
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"strings"
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
	replaceGenericStdCall(e, root, "errors", "AsType", func(elem types.Type) ast.Expr {
		ts := e.typeString(elem)
		as := e.importAlias("errors", "errors") + ".As"
		if fn := e.errorsAs(elem); fn != nil {
			var b strings.Builder
			printer.Fprint(&b, token.NewFileSet(), fn)
			as = "(" + b.String() + ")"
		}
		return parseExpr("func(err error) (" + ts + ", bool) { var t " + ts + "; ok := " + as + "(err, &t); return t, ok }")
	})
}}

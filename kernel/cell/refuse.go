package cell

import (
	"go/ast"
	"go/types"
)

// refuseInexact refuses, before any rewrite, the constructs that yaegi runs
// with a wrong result and no error, and that no pass can rewrite:
//   - a type switch case that names a type parameter: yaegi matches it
//     against the wrong dynamic types (GOROOT's typeparam/typeswitch6 and
//     typeswitch7 print "myint" where Go prints "barT").
func refuseInexact(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		sw, ok := n.(*ast.TypeSwitchStmt)
		if !ok {
			return true
		}
		for _, st := range sw.Body.List {
			for _, expr := range st.(*ast.CaseClause).List {
				if t := e.c.info.TypeOf(expr); t != nil && hasTypeParam(t) {
					e.refuse(expr.Pos(), "a type switch case whose type uses a type parameter ("+types.ExprString(expr)+") picks the wrong case in the interpreter")
				}
			}
		}
		return true
	})
}

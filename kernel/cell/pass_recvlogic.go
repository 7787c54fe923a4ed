package cell

import (
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/ast/astutil"
)

// Pass recvLogic: in yaegi v0.16.1, a receive that is the left operand of
// && or || gives false when the receive has to wait for a sender:
// `go func() { c <- true }(); fmt.Println(<-c && true)` prints false
// (yaegi's own _test/chan8.go; silent). A receive nested deeper in the
// operand (<-c > 0 && ok) and a right operand are right, and so is the
// negation of a receive, so the receive is negated twice:
//
//	<-c && ok  ->  !!<-c && ok
var passRecvLogic = pass{"recvLogic", func(e *emitter, root ast.Node) {
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		bin, ok := c.Node().(*ast.BinaryExpr)
		if !ok || (bin.Op != token.LAND && bin.Op != token.LOR) {
			return true
		}
		if recv, ok := ast.Unparen(bin.X).(*ast.UnaryExpr); ok && recv.Op == token.ARROW {
			bin.X = &ast.UnaryExpr{OpPos: recv.OpPos, Op: token.NOT, X: &ast.UnaryExpr{OpPos: recv.OpPos, Op: token.NOT, X: bin.X}}
		}
		return true
	})
}}

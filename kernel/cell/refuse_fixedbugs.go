package cell

import (
	"go/ast"
	"go/types"
)

// refuseCallerFrames refuses the two common ways of asking the runtime
// where code is, which in yaegi v0.16.1 answer with the interpreter's own
// frames (reflect.Value.Call, yaegi's source files and lines, "" for a
// cell's function), never the cell's, and nothing says so (GOROOT's
// fixedbugs/bug347, issue14646, issue58300 and issue58300b printed wrong
// names and lines while the cell reported ok):
//   - runtime.Caller whose file result is used (_, file, line, ok :=
//     runtime.Caller(1));
//   - runtime.FuncForPC of a function value's pointer
//     (runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()).
//
// Narrow on purpose: programs that call runtime.Callers,
// runtime.CallersFrames or runtime.Caller for a line alone, and only check
// loosely what comes back, run right (GOROOT's fixedbugs/issue10486,
// issue19799, issue29735, issue34123, issue51401, issue76008).
func refuseCallerFrames(e *emitter, root ast.Node) {
	isRuntime := func(x ast.Expr, name string) bool {
		call, ok := ast.Unparen(x).(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return false
		}
		f, ok := e.c.info.Uses[sel.Sel].(*types.Func)
		return ok && f.Pkg() != nil && f.Pkg().Path() == "runtime" && f.Name() == name
	}
	callerFile := func(lhs []ast.Expr, rhs []ast.Expr) {
		if len(lhs) == 4 && len(rhs) == 1 && isRuntime(rhs[0], "Caller") && !isBlank(lhs[1]) {
			e.refuse(rhs[0].Pos(), "runtime.Caller reports the interpreter's files and lines, not the cell's")
		}
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			callerFile(n.Lhs, n.Rhs)
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			callerFile(lhs, n.Values)
		case *ast.CallExpr:
			if !isRuntime(n, "FuncForPC") || len(n.Args) != 1 {
				return true
			}
			arg := ast.Unparen(n.Args[0])
			if conv, ok := arg.(*ast.CallExpr); ok && len(conv.Args) == 1 && e.c.info.Types[conv.Fun].IsType() {
				arg = ast.Unparen(conv.Args[0]) // uintptr(...)
			}
			call, ok := arg.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Pointer" {
				return true
			}
			if m, ok := e.c.info.Uses[sel.Sel].(*types.Func); ok && m.Pkg() != nil && m.Pkg().Path() == "reflect" {
				e.refuse(n.Pos(), "runtime.FuncForPC of a function value names the interpreter's function, not the cell's")
			}
		}
		return true
	})
}

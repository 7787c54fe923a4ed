package cell

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"
)

// Pass fmtVerbs: fmt in yaegi v0.16.1 gets a value whose type (declared in
// a cell) has a String or Error method as a wrapper struct, so verbs that
// format the value itself (%d of an enum with a String method) print the
// wrapper. For such arguments of a constant format string, a non-string
// verb gets the value converted to its underlying type:
//
//	fmt.Printf("%v %d\n", Green, Green)  ->  fmt.Printf("%v %d\n", Green, int(Green))
var passFmtVerbs = pass{"fmtVerbs", func(e *emitter, root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		f, ok := e.c.info.Uses[sel.Sel].(*types.Func)
		if !ok || f.Pkg() == nil {
			return true
		}
		idx := formatIndex(f.Pkg().Path(), f.Name())
		if idx < 0 || idx >= len(call.Args) {
			return true
		}
		tv := e.c.info.Types[call.Args[idx]]
		if tv.Value == nil || tv.Value.Kind() != constant.String {
			return true
		}
		verbs, ok := parseVerbs(constant.StringVal(tv.Value))
		if !ok {
			return true
		}
		for i, verb := range verbs {
			a := idx + 1 + i
			if a >= len(call.Args) || strings.ContainsRune("svqxXT", verb) {
				continue
			}
			at := e.c.info.Types[call.Args[a]].Type
			if at == nil || !needsFormatting(at) || types.IsInterface(at) {
				continue
			}
			if _, ptr := at.(*types.Pointer); ptr {
				continue
			}
			under := at.Underlying()
			if hasTypeParam(under) {
				continue
			}
			call.Args[a] = &ast.CallExpr{Fun: e.typeExpr(under), Args: []ast.Expr{call.Args[a]}}
		}
		return true
	})
}}

// formatIndex returns the position of the format argument of a printf-like
// function, or -1.
func formatIndex(pkg, name string) int {
	switch pkg + "." + name {
	case "fmt.Printf", "fmt.Sprintf", "fmt.Errorf", "log.Printf", "log.Fatalf", "log.Panicf":
		return 0
	case "fmt.Fprintf", "fmt.Appendf":
		return 1
	}
	return -1
}

// parseVerbs lists the verbs of a format string in order. It gives up
// (ok false) on argument indexes and * widths.
func parseVerbs(format string) (verbs []rune, ok bool) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i >= len(format) {
			return nil, false
		}
		switch c := rune(format[i]); c {
		case '%':
		case '[', '*':
			return nil, false
		default:
			verbs = append(verbs, c)
		}
	}
	return verbs, true
}

package cell

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// cellfmtPath is the compiled helper that formats cells' struct types
// with their Go names (kernel/cellfmt, in the symbol tables).
const cellfmtPath = "github.com/gopherlab/gopherlab/kernel/cellfmt"

// Pass fmtNames: yaegi v0.16.1 builds a cell's struct type with
// reflect.StructOf, without its name and with unexported fields renamed
// (a -> Xa), so fmt prints pair{1, 2} as {Xa:1 Xb:2} with %+v and its type
// as struct { Xa int; Xb int } with %T. Every struct type without methods
// that a cell declares is registered with kernel/cellfmt under its Go
// names, and fmt's printing functions whose arguments may hold one go
// through cellfmt, which prints them as compiled Go would:
//
//	type pair struct{ a, b int }  ->  ... var _ = cellfmt.Register((*pair)(nil), "main.pair", "a", "b")
//	fmt.Printf("%+v %T", p, p)    ->  fmt.Printf("%+v %s", cellfmt.V(p), "main.pair")
//	fmt.Printf("%T", x)           ->  fmt.Printf("%s", cellfmt.TypeOf(x))  (x an interface)
//	fmt.Printf(format, p)         ->  fmt.Print(cellfmt.Sprintf(format, p))  (a format known at run time)
//
// Types with String, Error, Format or GoString methods are left to yaegi
// (it hands fmt a wrapper that calls them), except for %T with a constant
// format, whose argument becomes the static type's name. Values behind an interface inside another
// value ([]any{pair{}}), generic types and types declared inside
// functions keep yaegi's names.
//
//	fmt.Printf("%v %T", s, s)  ->  fmt.Printf("%v %s", s, "main.S")  (S has a String method)
var passFmtNames = pass{"fmtNames", func(e *emitter, root ast.Node) {
	if gd, ok := root.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
		for _, sp := range gd.Specs {
			ts := sp.(*ast.TypeSpec)
			tn, ok := e.c.info.Defs[ts.Name].(*types.TypeName)
			if !ok || !plainCellStruct(tn.Type()) {
				continue
			}
			st := tn.Type().Underlying().(*types.Struct)
			args := []string{"(*" + e.typeString(tn.Type()) + ")(nil)", strconv.Quote(goTypeName(tn.Name()))}
			for i := range st.NumFields() {
				args = append(args, strconv.Quote(fieldGoName(st.Field(i).Name())))
			}
			e.extra = append(e.extra, "var _ = "+e.importAlias(cellfmtPath, "cellfmt")+".Register("+strings.Join(args, ", ")+")\n")
		}
		return
	}
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		call, ok := c.Node().(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() {
			return true
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		f, ok := e.c.info.Uses[sel.Sel].(*types.Func)
		if !ok || f.Pkg() == nil || f.Pkg().Path() != "fmt" {
			return true
		}
		first := 0 // the first value to print
		switch f.Name() {
		case "Print", "Println", "Sprint", "Sprintln":
		case "Printf", "Sprintf", "Errorf", "Fprint", "Fprintln", "Append", "Appendln":
			first = 1
		case "Fprintf", "Appendf":
			first = 2
		default:
			return true
		}
		cf := func(name string) ast.Expr {
			return &ast.SelectorExpr{X: ast.NewIdent(e.importAlias(cellfmtPath, "cellfmt")), Sel: ast.NewIdent(name)}
		}
		// verbs[i] is the verb that formats argument i, when the format is
		// a constant without argument indexes or * (and 'v' for fmt.Print
		// and co.); nil when unknown.
		var verbs map[int]rune
		idx := formatIndex("fmt", f.Name())
		if idx < 0 {
			verbs = map[int]rune{}
			for i := first; i < len(call.Args); i++ {
				verbs[i] = 'v'
			}
		} else if idx < len(call.Args) {
			if tv := e.c.info.Types[call.Args[idx]]; tv.Value != nil && tv.Value.Kind() == constant.String {
				format := constant.StringVal(tv.Value)
				if vs, ok := parseVerbs(format); ok {
					verbs = map[int]rune{}
					for i, verb := range vs {
						a := idx + 1 + i
						if a >= len(call.Args) {
							break
						}
						verbs[a] = verb
						if verb != 'T' {
							continue
						}
						// %T: the name is known here (a static type), or
						// cellfmt.TypeOf finds it (an interface).
						t := e.c.info.Types[call.Args[a]].Type
						if name := staticTypeName(t, false); strings.Contains(name, "·?") {
							e.refuse(call.Args[a].Pos(), "%T of a generic type instantiated with a type declared inside a function (Go numbers it, as in main.L·1)")
						} else if name != "" {
							call.Args[a] = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(name)}
						} else if t != nil && types.IsInterface(t) && e.sessionHasPlainStructs() {
							call.Args[a] = &ast.CallExpr{Fun: cf("TypeOf"), Args: []ast.Expr{call.Args[a]}}
						} else {
							continue
						}
						verbs[a] = 's'
						format = replaceVerb(format, i, 's')
						call.Args[idx] = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(format)}
					}
				}
			}
		}
		if verbs != nil {
			// Each argument that may hold a cell's struct type goes through
			// cellfmt.V, except for %T, %w and %p.
			for a, verb := range verbs {
				if verb == 'T' || verb == 'w' || verb == 'p' {
					continue
				}
				if t := e.c.info.Types[call.Args[a]].Type; e.mayHoldCellStruct(t) && staticTypeName(t, true) == "" {
					call.Args[a] = &ast.CallExpr{Fun: cf("V"), Args: []ast.Expr{call.Args[a]}}
				}
			}
			return true
		}
		// A format known only at run time: the whole call goes through
		// cellfmt, unless an argument has fmt methods (yaegi hands fmt a
		// wrapper that has them, the helper would get the bare struct).
		needed := false
		for i := first; i < len(call.Args); i++ {
			t := e.c.info.Types[call.Args[i]].Type
			if staticTypeName(t, true) != "" {
				return true
			}
			needed = needed || e.mayHoldCellStruct(t)
		}
		if !needed {
			return true
		}
		switch f.Name() {
		case "Printf":
			// yaegi sends fmt.Print to the interpreter's standard output,
			// which the compiled helper does not know.
			call.Args = []ast.Expr{&ast.CallExpr{Fun: cf("Sprintf"), Args: call.Args}}
			sel.Sel = ast.NewIdent("Print")
		default:
			call.Fun = cf(f.Name())
		}
		return true
	})
}}

// plainCellStruct reports whether t is a struct type declared at a cell's
// top level, not generic, with no methods.
func plainCellStruct(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "main" || n.Obj().Parent() != n.Obj().Pkg().Scope() {
		return false
	}
	if n.TypeParams().Len() > 0 || n.TypeArgs().Len() > 0 {
		return false
	}
	if _, ok := n.Underlying().(*types.Struct); !ok {
		return false
	}
	return !hasFmtMethods(n)
}

// hasFmtMethods reports whether fmt would call a method of a cell's type
// (yaegi then hands fmt a wrapper that has the method).
func hasFmtMethods(n *types.Named) bool {
	ms := types.NewMethodSet(types.NewPointer(n))
	for _, m := range []string{"String", "Error", "Format", "GoString"} {
		if ms.Lookup(n.Obj().Pkg(), m) != nil {
			return true
		}
	}
	return false
}

// staticTypeName returns what %T prints for a value of the non-interface
// type t when t mentions a cell's type (yaegi's reflect type has lost the
// name), or "" when it does not or its text would not match reflect's
// (struct, func and interface literals). withFmt limits it to types that
// mention a cell's type with fmt methods.
func staticTypeName(t types.Type, withFmt bool) string {
	if t == nil || types.IsInterface(t) || hasTypeParam(t) {
		return ""
	}
	found := false
	var walk func(t types.Type)
	walk = func(t types.Type) {
		switch u := types.Unalias(t).(type) {
		case *types.Named:
			if u.Obj().Pkg() != nil && u.Obj().Pkg().Path() == "main" && (!withFmt || hasFmtMethods(u)) {
				found = true
			}
		case *types.Pointer:
			walk(u.Elem())
		case *types.Slice:
			walk(u.Elem())
		case *types.Array:
			walk(u.Elem())
		case *types.Map:
			walk(u.Key())
			walk(u.Elem())
		case *types.Chan:
			walk(u.Elem())
		}
	}
	walk(t)
	if !found {
		return ""
	}
	ts := withGoNames(types.TypeString(t, func(p *types.Package) string { return p.Name() }))
	if strings.Contains(ts, "struct{") || strings.Contains(ts, "interface{") || strings.Contains(ts, "func(") {
		return ""
	}
	return ts
}

// mayHoldCellStruct reports whether a value of type t may hold one of the
// types pass fmtNames registers: directly, through pointers, slices,
// arrays, maps and struct fields, or as an interface's dynamic value.
func (e *emitter) mayHoldCellStruct(t types.Type) bool {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) bool
	walk = func(t types.Type) bool {
		if t == nil || seen[t] {
			return false
		}
		seen[t] = true
		if plainCellStruct(t) {
			return true
		}
		if types.IsInterface(t) {
			return e.sessionHasPlainStructs()
		}
		switch u := t.Underlying().(type) {
		case *types.Pointer:
			return walk(u.Elem())
		case *types.Slice:
			return walk(u.Elem())
		case *types.Array:
			return walk(u.Elem())
		case *types.Map:
			return walk(u.Key()) || walk(u.Elem())
		case *types.Struct:
			for i := range u.NumFields() {
				if walk(u.Field(i).Type()) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}

// sessionHasPlainStructs reports whether any cell declared a type that
// pass fmtNames registers.
func (e *emitter) sessionHasPlainStructs() bool {
	scope := e.c.pkg.Scope()
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok && plainCellStruct(tn.Type()) {
			return true
		}
	}
	return false
}

// replaceVerb changes the verb of the k-th directive of a format that
// parseVerbs accepted.
func replaceVerb(format string, k int, verb byte) string {
	b := []byte(format)
	n := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '%' {
			continue
		}
		i++
		for i < len(b) && strings.IndexByte("+-# 0123456789.", b[i]) >= 0 {
			i++
		}
		if i >= len(b) || b[i] == '%' {
			continue
		}
		if n == k {
			b[i] = verb
			return string(b)
		}
		n++
	}
	return format
}

package cell

import (
	"go/ast"
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
//	fmt.Printf("%+v %T", p, p)    ->  fmt.Print(cellfmt.Sprintf("%+v %T", p, p))
//
// Types with methods are left to yaegi (it hands fmt a wrapper that
// calls them), as are values behind an interface inside another value
// ([]any{pair{}}), generic types and types declared inside functions.
var passFmtNames = pass{"fmtNames", func(e *emitter, root ast.Node) {
	if gd, ok := root.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
		for _, sp := range gd.Specs {
			ts := sp.(*ast.TypeSpec)
			tn, ok := e.c.info.Defs[ts.Name].(*types.TypeName)
			if !ok || !plainCellStruct(tn.Type()) {
				continue
			}
			st := tn.Type().Underlying().(*types.Struct)
			args := []string{"(*" + e.typeString(tn.Type()) + ")(nil)", strconv.Quote("main." + tn.Name())}
			for i := range st.NumFields() {
				args = append(args, strconv.Quote(st.Field(i).Name()))
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
		case "Printf", "Sprintf", "Errorf", "Fprint", "Fprintln":
			first = 1
		case "Fprintf", "Appendf":
			first = 2
		default:
			return true
		}
		needed := false
		for _, a := range call.Args[min(first, len(call.Args)):] {
			needed = needed || e.mayHoldCellStruct(e.c.info.Types[a].Type)
		}
		if !needed {
			return true
		}
		cf := func(name string) ast.Expr {
			return &ast.SelectorExpr{X: ast.NewIdent(e.importAlias(cellfmtPath, "cellfmt")), Sel: ast.NewIdent(name)}
		}
		switch f.Name() {
		case "Print", "Println", "Printf":
			// yaegi sends fmt.Print to the interpreter's standard output,
			// which the compiled helper does not know.
			call.Args = []ast.Expr{&ast.CallExpr{Fun: cf("S" + strings.ToLower(f.Name()[:1]) + f.Name()[1:]), Args: call.Args}}
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
	return types.NewMethodSet(n).Len() == 0 && types.NewMethodSet(types.NewPointer(n)).Len() == 0
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

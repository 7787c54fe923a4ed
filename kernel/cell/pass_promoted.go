package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Pass promotedMethods: yaegi v0.16.1 builds a cell's struct type with
// reflect.StructOf and marks an embedded field as embedded only when it is
// the struct's only field, and when it converts a value of such a type to
// an interface it looks for a method promoted from a compiled field only
// through pointers. So a value whose methods come from an embedded
// compiled type or interface is not what the interface needs: "method not
// found: Read" (struct{ *os.File; done func() } as an io.ReadCloser, or
// struct{ io.Reader; n int } as an io.Reader); and a pointer to a struct
// that embeds a compiled type by value does not have the type's pointer
// methods at all: "cannot use type *main.T as type io.Writer" (struct{
// bytes.Buffer }). Each such promoted method gets a declaration of its own
// that calls the field's method, which is what the promoted method does:
//
//	type closer struct { *os.File; done func() }
//	->  + func (r closer) Read(p0 []byte) (int, error) { return r.File.Read(p0) }
//	    + ... (every exported method of *os.File)
var passPromotedMethods = pass{"promotedMethods", func(e *emitter, root ast.Node) {
	gd, ok := root.(*ast.GenDecl)
	if !ok || gd.Tok != token.TYPE {
		return
	}
	for _, sp := range gd.Specs {
		ts := sp.(*ast.TypeSpec)
		tn, ok := e.c.info.Defs[ts.Name].(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		named, ok := tn.Type().(*types.Named)
		if !ok || named.TypeParams().Len() > 0 {
			continue
		}
		st, ok := named.Underlying().(*types.Struct)
		if !ok {
			continue
		}
		embeds := false
		for i := range st.NumFields() {
			embeds = embeds || st.Field(i).Embedded()
		}
		if !embeds {
			continue
		}
		values := types.NewMethodSet(named)
		ptrs := types.NewMethodSet(types.NewPointer(named))
		for i := range ptrs.Len() {
			sel := ptrs.At(i)
			m := sel.Obj().(*types.Func)
			if len(sel.Index()) < 2 || !m.Exported() || m.Pkg() == nil || m.Pkg().Path() == "main" {
				continue // declared on the type, or from a cell's type
			}
			onValue := values.Lookup(m.Pkg(), m.Name()) != nil
			if onValue && st.NumFields() == 1 {
				continue // yaegi promotes the only field's methods itself
			}
			sig := m.Type().(*types.Signature)
			if !nameable(sig) || viaLogLogger(named, sel.Index()) {
				continue
			}
			e.extra = append(e.extra, e.forwarder(named, sel.Index(), m.Name(), sig, !onValue))
		}
	}
}}

// forwarder writes a method of t named name that calls the method of the
// embedded field at path (a selection's index, the method's last).
func (e *emitter) forwarder(t *types.Named, path []int, name string, sig *types.Signature, ptr bool) string {
	var recv strings.Builder
	recv.WriteString("_gl_r")
	cur := types.Type(t)
	for _, i := range path[:len(path)-1] {
		if p, ok := cur.Underlying().(*types.Pointer); ok {
			cur = p.Elem()
		}
		f := cur.Underlying().(*types.Struct).Field(i)
		recv.WriteString("." + f.Name())
		cur = f.Type()
		if !isSessionType(cur) {
			break // a compiled field: Go promotes the rest
		}
	}
	var b strings.Builder
	star := ""
	if ptr {
		star = "*"
	}
	fmt.Fprintf(&b, "func (_gl_r %s%s) %s(", star, e.typeString(t), name)
	var args []string
	for i := range sig.Params().Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		p := fmt.Sprintf("_gl_p%d", i)
		pt := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			fmt.Fprintf(&b, "%s ...%s", p, e.typeString(pt.(*types.Slice).Elem()))
			p += "..."
		} else {
			fmt.Fprintf(&b, "%s %s", p, e.typeString(pt))
		}
		args = append(args, p)
	}
	b.WriteString(")")
	e.writeResults(&b, sig)
	b.WriteString(" { ")
	if sig.Results().Len() > 0 {
		b.WriteString("return ")
	}
	fmt.Fprintf(&b, "%s.%s(%s) }\n", recv.String(), name, strings.Join(args, ", "))
	return b.String()
}

// viaLogLogger reports whether a promoted method comes through an embedded
// log.Logger: kernel/symbols gives yaegi a wrapper of it that has a method
// Logger, so yaegi finds the selector r.Logger ambiguous.
func viaLogLogger(t *types.Named, path []int) bool {
	cur := types.Type(t)
	for _, i := range path[:len(path)-1] {
		if p, ok := cur.Underlying().(*types.Pointer); ok {
			cur = p.Elem()
		}
		st, ok := cur.Underlying().(*types.Struct)
		if !ok {
			return false
		}
		cur = st.Field(i).Type()
		base := cur
		if p, ok := base.(*types.Pointer); ok {
			base = p.Elem()
		}
		if n, ok := types.Unalias(base).(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "log" && n.Obj().Name() == "Logger" {
			return true
		}
	}
	return false
}

// nameable reports whether a cell can write every type in sig: no
// unexported type of another package, nothing from an internal package.
func nameable(sig *types.Signature) bool {
	return !anyTypePart(sig, func(t types.Type) bool {
		n, ok := t.(*types.Named)
		if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() == "main" {
			return false
		}
		path := "/" + n.Obj().Pkg().Path() + "/"
		return !n.Obj().Exported() || strings.Contains(path, "/internal/") || strings.Contains(path, "/vendor/")
	})
}

// replacesForwarder reports whether a method declaration replaces a
// method that pass promotedMethods gave yaegi for an earlier version of
// the receiver's type (yaegi keeps the first method of a name, so the
// type must be given again, as for a redefined method).
func (e *emitter) replacesForwarder(d *ast.FuncDecl) bool {
	if d.Recv == nil || !d.Name.IsExported() {
		return false
	}
	name := recvTypeName(d.Recv.List[0].Type)
	if _, given := e.s.yTypes[name]; !given {
		return false
	}
	tn, ok := e.c.pkg.Scope().Lookup(name).(*types.TypeName)
	if !ok {
		return false
	}
	st, ok := tn.Type().Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		f := st.Field(i)
		if !f.Embedded() {
			continue
		}
		t := f.Type()
		if !types.IsInterface(t) {
			if _, isPtr := t.(*types.Pointer); !isPtr {
				t = types.NewPointer(t)
			}
		}
		if sel := types.NewMethodSet(t).Lookup(nil, d.Name.Name); sel != nil && sel.Obj().Pkg() != nil && sel.Obj().Pkg().Path() != "main" {
			return true
		}
	}
	return false
}

package cell

import (
	"strconv"

	"golang.org/x/tools/go/ast/astutil"

	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
)

// Pass indexBounds: an index out of range panics in yaegi v0.16.1 with
// reflect's "reflect: slice index out of range", which carries neither the
// index nor the length, where Go's runtime error reads "index out of range
// [3] with length 0". kernel/panics can only say that the numbers are
// unknown. Where a program can see the panic value (the session has a
// recover call: this cell or an earlier one), an index into a slice, an
// array, a pointer to an array or a string goes through a compiled check
// that panics with Go's own runtime error:
//
//	xs[i]  ->  xs[cellrt.Index(int64(i), len(xs))]     (cellrt.IndexU for unsigned i)
//
// and a slice expression likewise checks its bounds first:
//
//	s[lo:hi]  ->  s[cellrt.Slice(int64(lo), int64(hi), len(s), cap(s), 0):hi]
//
// Only where that is exact: the operand is a variable, a field or an
// element of one (read twice, no side effect: m[k][i], grid[r][c]) and the
// index has no call or receive (its single evaluation moves before len).
// An index of a call's result that is read, not assigned (f()[i]), goes
// through a function literal that takes the operand once:
//
//	f()[i]  ->  func(s []T, i int64) T { return s[cellrt.Index(i, len(s))] }(f(), int64(i))
//
// Elsewhere, and in cells of a session with no recover, the panic text
// stays kernel/panics' (the check costs a compiled call per index).
var passIndexBounds = pass{"indexBounds", func(e *emitter, root ast.Node) {
	if !e.recovers {
		return
	}
	info := e.c.info
	astutil.Apply(root, nil, func(c *astutil.Cursor) bool {
		if ix, ok := c.Node().(*ast.IndexExpr); ok && readOnly(c) {
			if lit := indexOfCall(e, ix); lit != nil {
				c.Replace(lit)
			}
		}
		return true
	})
	ast.Inspect(root, func(n ast.Node) bool {
		if se, ok := n.(*ast.SliceExpr); ok {
			sliceBounds(e, se)
			return true
		}
		ix, ok := n.(*ast.IndexExpr)
		if !ok {
			return true
		}
		t := info.TypeOf(ix.X)
		it := info.TypeOf(ix.Index)
		if t == nil || it == nil || hasTypeParam(t) || !pureOperand(info, ix.X) || !simpleIndex(info, ix.Index) {
			return true
		}
		array := false
		switch u := t.Underlying().(type) {
		case *types.Slice:
		case *types.Basic:
			if u.Info()&types.IsString == 0 {
				return true
			}
		case *types.Array:
			array = true
		case *types.Pointer:
			if _, ok := u.Elem().Underlying().(*types.Array); !ok {
				return true
			}
			array = true
		default:
			return true // a map, a generic instantiation
		}
		tv := info.Types[ix.Index]
		if tv.Value != nil && (array || info.Types[ix.X].Value != nil) {
			return true // checked by the compiler
		}
		b, ok := it.Underlying().(*types.Basic)
		if !ok || b.Info()&types.IsInteger == 0 && !(tv.Value != nil && tv.Value.Kind() == constant.Int) {
			return true
		}
		fn, conv := "Index", "int64"
		if b.Info()&types.IsUnsigned != 0 {
			fn, conv = "IndexU", "uint64"
		}
		rt := e.importAlias(RuntimePath, "cellrt")
		idx := ix.Index
		ix.Index = &ast.CallExpr{
			Fun: parseExpr(rt + "." + fn),
			Args: []ast.Expr{
				&ast.CallExpr{Fun: ast.NewIdent(conv), Args: []ast.Expr{idx}},
				&ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{ix.X}},
			},
		}
		return true
	})
}}

// indexRedo adds to redo, the committed declarations that the cell gives
// yaegi again, the functions and methods of earlier cells that index or
// slice, when the cell brings the session's first recover: pass
// indexBounds left them alone, and a recovered panic of theirs would read
// "the interpreter does not know the index" where Go gives the numbers
// (in a pasted program split into cells, the functions come before main's
// recover). Generic functions, init and main are left out.
func (e *emitter) indexRedo(redo []ast.Decl) []ast.Decl {
	s, c := e.s, e.c
	if s.recovers || s.disabled[passIndexBounds.name] {
		return redo
	}
	recovers := false
	for _, d := range c.cur.file.Decls {
		recovers = recovers || containsRecover(c.info, d)
	}
	if !recovers {
		return redo
	}
	given := map[ast.Decl]bool{}
	for _, d := range redo {
		given[d] = true
	}
	added := false
	for _, f := range c.files[:len(c.files)-1] {
		for _, d := range f.file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || given[d] || fd.Body == nil || fd.Type.TypeParams != nil || !indexes(fd.Body) {
				continue
			}
			if fd.Recv == nil && (fd.Name.Name == "init" || fd.Name.Name == "main") {
				continue
			}
			if fd.Recv != nil && len(fd.Recv.List) == 1 && genericRecv(fd.Recv.List[0].Type) {
				continue
			}
			redo = append(redo, d)
			added = true
		}
	}
	if added {
		for _, r := range s.cells {
			r.cache = nil // the passes change the trees given again
		}
	}
	return redo
}

// indexes reports whether n has an index or slice expression.
func indexes(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.IndexExpr, *ast.SliceExpr:
			found = true
		}
		return !found
	})
	return found
}

// genericRecv reports whether a receiver type is a generic type's (T[P]).
func genericRecv(t ast.Expr) bool {
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	switch t.(type) {
	case *ast.IndexExpr, *ast.IndexListExpr:
		return true
	}
	return false
}

// pureOperand reports whether evaluating x twice is the same as once: a
// variable, a field of one, a dereferenced pointer variable, a literal, an
// element of one with a simple index (a map's, or one that the index's own
// check makes panic first, as in Go).
func pureOperand(info *types.Info, x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		return pureOperand(info, x.X)
	case *ast.StarExpr:
		return pureOperand(info, x.X)
	case *ast.IndexExpr:
		return pureOperand(info, x.X) && simpleIndex(info, x.Index)
	}
	return false
}

// readOnly reports whether the index expression at c is only read: not
// assigned, incremented, addressed or ranged into.
func readOnly(c *astutil.Cursor) bool {
	switch p := c.Parent().(type) {
	case *ast.AssignStmt:
		return c.Name() != "Lhs"
	case *ast.IncDecStmt:
		return false
	case *ast.UnaryExpr:
		return p.Op != token.AND
	case *ast.RangeStmt:
		return c.Name() == "X"
	case *ast.SelectorExpr, *ast.IndexExpr, *ast.SliceExpr:
		return false // a field or element of it may be assigned
	}
	return true
}

// indexOfCall returns the function literal that indexes the result of a
// call (f()[i], with a slice, array or string result and a simple integer
// index) with Go's bounds check, or nil.
func indexOfCall(e *emitter, ix *ast.IndexExpr) ast.Expr {
	info := e.c.info
	call, ok := ast.Unparen(ix.X).(*ast.CallExpr)
	if !ok {
		return nil
	}
	if tv, ok := info.Types[call.Fun]; !ok || tv.IsType() || tv.IsBuiltin() {
		return nil // a conversion or a builtin
	}
	t, it, rt := info.TypeOf(ix.X), info.TypeOf(ix.Index), info.TypeOf(ix)
	if t == nil || it == nil || rt == nil || hasTypeParam(t) || !simpleIndex(info, ix.Index) {
		return nil
	}
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Array:
	case *types.Basic:
		if u.Info()&types.IsString == 0 {
			return nil
		}
	default:
		return nil
	}
	b, ok := it.Underlying().(*types.Basic)
	if !ok || b.Info()&types.IsInteger == 0 {
		if tv := info.Types[ix.Index]; tv.Value == nil || tv.Value.Kind() != constant.Int {
			return nil
		}
	}
	fn, conv := "Index", "int64"
	if ok && b.Info()&types.IsUnsigned != 0 {
		fn, conv = "IndexU", "uint64"
	}
	cellrt := e.importAlias(RuntimePath, "cellrt")
	s, i := e.newName("s"), e.newName("i")
	lit := parseExpr("func(" + s + " " + e.typeString(t) + ", " + i + " " + conv + ") " + e.typeString(rt) +
		" { return " + s + "[" + cellrt + "." + fn + "(" + i + ", len(" + s + "))] }")
	return &ast.CallExpr{Fun: lit, Args: []ast.Expr{call, &ast.CallExpr{Fun: ast.NewIdent(conv), Args: []ast.Expr{ix.Index}}}}
}

// simpleIndex reports whether an index expression calls nothing and
// receives from no channel (conversions and len/cap are fine).
func simpleIndex(info *types.Info, x ast.Expr) bool {
	ok := true
	ast.Inspect(x, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if tv, found := info.Types[n.Fun]; found && tv.IsType() {
				return ok
			}
			if id, isID := ast.Unparen(n.Fun).(*ast.Ident); isID {
				if b, isB := info.Uses[id].(*types.Builtin); isB && (b.Name() == "len" || b.Name() == "cap") {
					return ok
				}
			}
			ok = false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				ok = false
			}
		case *ast.FuncLit:
			ok = false
		}
		return ok
	})
	return ok
}

// containsRecover reports whether a node calls the builtin recover.
func containsRecover(info *types.Info, n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == "recover" {
			if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
				found = true
			}
		}
		return !found
	})
	return found
}

// sliceBounds rewrites a slice expression of pass indexBounds: a slice,
// a string or an array, with a pure operand and simple bounds (each is
// evaluated twice), all signed or all unsigned (constants go either way).
func sliceBounds(e *emitter, se *ast.SliceExpr) {
	info := e.c.info
	t := info.TypeOf(se.X)
	if t == nil || hasTypeParam(t) || !pureOperand(info, se.X) {
		return
	}
	kind := 0
	switch u := t.Underlying().(type) {
	case *types.Slice:
	case *types.Basic:
		if u.Info()&types.IsString == 0 || info.Types[se.X].Value != nil {
			return
		}
		kind = 1
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Array); !ok {
			return
		}
		kind = 1
	case *types.Array:
		kind = 1
	default:
		return
	}
	if se.Slice3 && kind == 1 {
		if b, ok := t.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
			return
		}
	}
	signed, unsigned := 0, 0
	for _, b := range []ast.Expr{se.Low, se.High, se.Max} {
		if b == nil {
			continue
		}
		typ := info.TypeOf(b)
		if typ == nil {
			return // made by an earlier pass (min/max of passBuiltins): no type
		}
		bt, ok := typ.Underlying().(*types.Basic)
		if !ok || bt.Info()&types.IsInteger == 0 || !simpleIndex(info, b) {
			return
		}
		if bt.Info()&types.IsUnsigned != 0 {
			unsigned++
		} else if info.Types[b].Value == nil || constant.Sign(info.Types[b].Value) < 0 {
			signed++
		}
	}
	if signed > 0 && unsigned > 0 {
		return // mixed: no one helper prints both as Go does
	}
	conv, suffix := "int64", ""
	if unsigned > 0 {
		conv, suffix = "uint64", "U"
	}
	arg := func(b ast.Expr, dflt ast.Expr) ast.Expr {
		if b == nil {
			return dflt
		}
		return &ast.CallExpr{Fun: ast.NewIdent(conv), Args: []ast.Expr{b}}
	}
	length := &ast.CallExpr{Fun: ast.NewIdent("len"), Args: []ast.Expr{se.X}}
	capacity := ast.Expr(length)
	if kind == 0 {
		capacity = &ast.CallExpr{Fun: ast.NewIdent("cap"), Args: []ast.Expr{se.X}}
	}
	rt := e.importAlias(RuntimePath, "cellrt")
	lo := arg(se.Low, &ast.BasicLit{Kind: token.INT, Value: "0"})
	hi := arg(se.High, &ast.CallExpr{Fun: ast.NewIdent(conv), Args: []ast.Expr{length}})
	k := &ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(kind)}
	var call *ast.CallExpr
	if se.Slice3 {
		call = &ast.CallExpr{Fun: parseExpr(rt + ".Slice3" + suffix), Args: []ast.Expr{lo, hi, arg(se.Max, nil), length, capacity, k}}
	} else {
		call = &ast.CallExpr{Fun: parseExpr(rt + ".Slice" + suffix), Args: []ast.Expr{lo, hi, length, capacity, k}}
	}
	se.Low = call
}

package cell

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
)

// A compiled run (%%run, %%race) declares the session's variables but does
// not run the statements of earlier cells again, so every variable starts
// at its zero value. That is exact only for a variable that no cell gave a
// value. Prepare records, per cell, which session variables running the
// cell writes (varSet); Program refuses a cell when the code the program
// runs reads one of them, and keeps the initializer of a variable whose
// only value is a literal constant from the cell that declares it.

// varSet says that running a cell wrote a session variable.
type varSet struct {
	name string
	at   string // where, "cell 2, line 3"
	// init is the initializer of `x := lit` or `var x = lit` at the top
	// level of the cell, an expression of literals only; "" otherwise.
	init string
}

// sessionWrites lists the session variables that running the new cell of c
// writes: assignments, ++ and --, taking an address, slicing and pointer
// methods, in the cell's statements, its init and main functions, and
// every session function or method they may reach.
func (s *Session) sessionWrites(c *checked) []varSet {
	var sets []varSet
	consts := map[ast.Node]string{} // top-level `x = lit`: the ident -> lit
	for _, st := range c.cur.body.Body.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN && len(as.Lhs) == len(as.Rhs) {
			for i, e := range as.Lhs {
				if literalOnly(as.Rhs[i]) {
					consts[e] = types.ExprString(as.Rhs[i])
				}
			}
		}
	}
	write := func(e ast.Expr) {
		id := rootIdent(e)
		if id == nil {
			return
		}
		if v := s.sessionVar(c, id); v != nil {
			sets = append(sets, varSet{name: v.Name(), at: s.where(id.Pos()), init: consts[e]})
		}
	}
	roots := []ast.Node{c.cur.body}
	for _, d := range c.cur.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && (fd.Name.Name == "init" || fd.Name.Name == "main") {
			roots = append(roots, fd)
		}
	}
	s.reach(c, roots, func(n, _ ast.Node) {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, e := range n.Lhs {
					write(e)
				}
			}
		case *ast.IncDecStmt:
			write(n.X)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				write(n.Key)
				write(n.Value)
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				write(n.X)
			}
		case *ast.SliceExpr:
			write(n.X)
		case *ast.SelectorExpr:
			if sel := c.info.Selections[n]; sel != nil && sel.Kind() != types.FieldVal {
				if sig, ok := sel.Obj().Type().(*types.Signature); ok && sig.Recv() != nil {
					if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
						write(n.X)
					}
				}
			}
		}
	})
	return sets
}

// sessionValues checks the program of c: it returns the errors for the
// session variables that the program reads (in the new cell, its init
// functions and the session functions and methods they may reach) but
// that earlier cells gave a value, and, by cell, the initializers to keep:
// those of variables whose only value is a literal from the cell that
// declares them.
func (s *Session) sessionValues(c *checked) (map[int]map[string]string, error) {
	sets := map[string][]varSet{}
	ran := map[string]int{} // the last cell whose run wrote it
	for _, r := range s.cells {
		for _, v := range r.sets {
			ran[v.name] = r.n
			sets[v.name] = append(sets[v.name], v)
		}
	}
	declaredIn := map[string]int{} // session variable -> the cell whose file declares it
	for _, cf := range c.files[:len(c.files)-1] {
		for name := range cf.defines {
			declaredIn[name] = cf.n
		}
	}
	roots := []ast.Node{c.cur.body}
	for _, cf := range c.files {
		for _, d := range cf.file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "init" {
				roots = append(roots, fd)
			}
		}
	}
	keep := map[int]map[string]string{}
	reported := map[string]bool{}
	var errs ErrorList
	s.reach(c, roots, func(n, root ast.Node) {
		id, ok := n.(*ast.Ident)
		if !ok {
			return
		}
		v := s.sessionVar(c, id)
		if v == nil || c.cur.defines[v.Name()] || reported[v.Name()] || len(sets[v.Name()]) == 0 {
			return
		}
		name := v.Name()
		reported[name] = true
		w := sets[name]
		if len(w) == 1 && w[0].init != "" && declaredIn[name] == ran[name] && keepable(v.Type(), c.pkg) {
			if keep[ran[name]] == nil {
				keep[ran[name]] = map[string]string{}
			}
			keep[ran[name]][name] = w[0].init
			return
		}
		how := w[len(w)-1].at
		if len(w) > 1 {
			how += fmt.Sprintf(", and %d more %s", len(w)-1, map[bool]string{true: "place", false: "places"}[len(w) == 2])
		}
		by := ""
		if fd, ok := root.(*ast.FuncDecl); ok && fd != c.cur.body {
			by = fmt.Sprintf(", read by %s, which cell %d may run,", declKey(fd), c.cur.n)
		}
		p := s.fset.Position(id.Pos())
		errs = append(errs, posError(c.cur.n, p, fmt.Sprintf(
			"%s (set at %s)%s gets its value from running cell %d, which a compiled run (%%%%run, %%%%race) does not repeat: declare it in this cell",
			name, how, by, ran[name])))
	})
	if len(errs) > 0 {
		return nil, sortErrors(errs)
	}
	return keep, nil
}

// keepable says a literal initializer gives a variable of type t the value
// the session has: t is not a type a cell could have redefined since.
func keepable(t types.Type, pkg *types.Package) bool {
	switch t := t.(type) {
	case *types.Basic:
		return true
	case *types.Named:
		return t.Obj().Pkg() != pkg
	}
	return false
}

// withInits returns cf with the initializers of inits (name -> expression)
// given to its variable declarations that have none; cf itself, which the
// session keeps, does not change.
func withInits(cf *cellFile, inits map[string]string) *cellFile {
	if len(inits) == 0 {
		return cf
	}
	out := *cf
	f := *cf.file
	f.Decls = append([]ast.Decl(nil), cf.file.Decls...)
	for i, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		g := *gd
		g.Specs = append([]ast.Spec(nil), gd.Specs...)
		for j, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			if len(vs.Names) != 1 || len(vs.Values) != 0 || inits[vs.Names[0].Name] == "" {
				continue
			}
			v := *vs
			// The expression's text as a literal without a position: the
			// printer writes it as it is.
			v.Values = []ast.Expr{&ast.BasicLit{Kind: token.STRING, Value: inits[vs.Names[0].Name]}}
			g.Specs[j] = &v
		}
		f.Decls[i] = &g
	}
	out.file = &f
	return &out
}

// literalOnly says e is a constant expression of literals and operators,
// with no names: its value does not depend on the session.
func literalOnly(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return literalOnly(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.AND && e.Op != token.ARROW && literalOnly(e.X)
	case *ast.BinaryExpr:
		return literalOnly(e.X) && literalOnly(e.Y)
	}
	return false
}

// rootIdent returns the variable an addressable expression belongs to:
// x for x, x.f, x[i], x[i:j], *x, (x).
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.ParenExpr:
			e = x.X
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.SliceExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// sessionVar returns the package-level variable id names, or nil. An
// identifier the type checker did not resolve is looked up by name.
func (s *Session) sessionVar(c *checked, id *ast.Ident) *types.Var {
	obj := c.info.Uses[id]
	if obj == nil && c.info.Defs[id] == nil {
		obj = c.pkg.Scope().Lookup(id.Name)
	}
	if v, ok := obj.(*types.Var); ok && v.Parent() == c.pkg.Scope() {
		return v
	}
	return nil
}

// where returns a position in cell coordinates, "cell 2, line 3".
func (s *Session) where(pos token.Pos) string {
	p := s.fset.Position(pos)
	return fmt.Sprintf("%s, line %d", p.Filename, p.Line)
}

// reach calls visit for every node of roots and of every session function
// and method the code may call: the ones it names, and every method of
// every session type that the code names or has values of (compiled code
// such as fmt calls String through an interface). Each declaration is
// visited once.
func (s *Session) reach(c *checked, roots []ast.Node, visit func(n, root ast.Node)) {
	funcs := map[types.Object]*ast.FuncDecl{}
	types_ := map[string]*ast.TypeSpec{}
	for _, cf := range c.files {
		for _, d := range cf.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if obj := c.info.Defs[d.Name]; obj != nil {
					funcs[obj] = d
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					if ts, ok := sp.(*ast.TypeSpec); ok {
						types_[ts.Name.Name] = ts
					}
				}
			}
		}
	}
	seen := map[ast.Node]bool{}
	queue := append([]ast.Node(nil), roots...)
	add := func(n ast.Node) {
		if !seen[n] {
			seen[n] = true
			queue = append(queue, n)
		}
	}
	var addType func(t types.Type)
	seenType := map[types.Type]bool{}
	addType = func(t types.Type) {
		if t == nil || seenType[t] {
			return
		}
		seenType[t] = true
		switch t := t.(type) {
		case *types.Named:
			if t.Obj().Pkg() == c.pkg {
				o := t.Origin()
				for i := range o.NumMethods() {
					if fd := funcs[o.Method(i)]; fd != nil {
						add(fd)
					}
				}
				if ts := types_[o.Obj().Name()]; ts != nil {
					add(ts)
				}
			}
			for i := range t.TypeArgs().Len() {
				addType(t.TypeArgs().At(i))
			}
			addType(t.Underlying())
		case *types.Alias:
			addType(types.Unalias(t))
		case *types.Pointer:
			addType(t.Elem())
		case *types.Slice:
			addType(t.Elem())
		case *types.Array:
			addType(t.Elem())
		case *types.Map:
			addType(t.Key())
			addType(t.Elem())
		case *types.Chan:
			addType(t.Elem())
		case *types.Struct:
			for i := range t.NumFields() {
				addType(t.Field(i).Type())
			}
		case *types.Signature:
			addType(t.Params())
			addType(t.Results())
		case *types.Tuple:
			for i := range t.Len() {
				addType(t.At(i).Type())
			}
		}
	}
	addObj := func(obj types.Object) {
		switch o := obj.(type) {
		case *types.Func:
			if fd := funcs[o.Origin()]; fd != nil {
				add(fd)
			}
			if sig, ok := o.Type().(*types.Signature); ok && sig.Recv() != nil {
				if _, isIface := sig.Recv().Type().Underlying().(*types.Interface); isIface {
					// A call through an interface: every session method of
					// that name.
					for fo, fd := range funcs {
						if fo.Name() == o.Name() && fd.Recv != nil {
							add(fd)
						}
					}
				}
			}
		case *types.TypeName:
			addType(o.Type())
		case *types.Var:
			addType(o.Type())
		}
		if obj != nil {
			addType(obj.Type())
		}
	}
	for len(queue) > 0 {
		root := queue[0]
		queue = queue[1:]
		ast.Inspect(root, func(n ast.Node) bool {
			if n == nil {
				return false
			}
			visit(n, root)
			switch n := n.(type) {
			case *ast.Ident:
				obj := c.info.Uses[n]
				if obj == nil && c.info.Defs[n] == nil {
					obj = c.pkg.Scope().Lookup(n.Name)
				}
				if obj != nil && obj.Pkg() == c.pkg {
					addObj(obj)
				}
			case *ast.SelectorExpr:
				if sel := c.info.Selections[n]; sel != nil {
					addObj(sel.Obj())
				}
			}
			if e, ok := n.(ast.Expr); ok {
				addType(c.info.TypeOf(e))
			}
			return true
		})
	}
}

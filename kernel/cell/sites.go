package cell

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Panic sites: yaegi v0.16.1 says which interpreted functions a panic
// passed through, at the position of each function's first statement, not
// at the statement that panicked or made the call. The session learns from
// the Go stack what kind of operation started the panic (a call of panic,
// of a compiled function, an index, a map write...) and how each frame
// called the next (an interpreted call, a compiled function calling back, a
// deferred call). The front end knows where in each function such an
// operation stands: when exactly one line of the function fits, that line
// is where the panic started or the call was made. When more than one
// fits, the session names the function and those lines, never one of them.

// A SiteOp is the kind of operation at a line of a function.
type SiteOp string

// The operations that can start a panic, and the kinds of call.
const (
	OpPanic    SiteOp = "panic"    // a call of the builtin panic
	OpCompiled SiteOp = "compiled" // a call of a compiled (imported) function or method; Key "path.Name"
	OpCall     SiteOp = "call"     // a call of a function or method declared in a cell; Key "f" or "T.M"
	OpValue    SiteOp = "value"    // a call of a func value: a variable, a field, a result, a literal
	OpIface    SiteOp = "iface"    // a call of an interface method; Key the method name
	OpIndex    SiteOp = "index"    // indexing a slice, array or string
	OpSlice    SiteOp = "slice"    // a slice expression
	OpMapWrite SiteOp = "mapwrite" // storing into a map
	OpNil      SiteOp = "nil"      // a pointer dereference, explicit or implied
	OpDiv      SiteOp = "div"      // an integer division or remainder by a non-constant
	OpAssert   SiteOp = "assert"   // a type assertion with one result
	OpClose    SiteOp = "close"    // a call of close
	OpSend     SiteOp = "send"     // a channel send
	OpRecv     SiteOp = "recv"     // a channel receive, or a range over a channel
	OpSelect   SiteOp = "select"   // a select statement
)

type site struct {
	line     int
	op       SiteOp
	key      string
	deferred bool // the call of a defer statement (made when the function returns)
}

// funcSites is one function of a cell: a declaration, a literal, or the
// cell's statements.
type funcSites struct {
	cell  int
	goLit bool   // the literal of a go statement: func() {...} in go func() {...}()
	name  string // "f", "T.M", "func literal", "" for the cell's statements
	key   string // what calls name it (OpCall's Key); "" for literals and the cell
	line  int    // the line of its name, of its func keyword, or 0 for the cell
	lit   bool
	sites []site
}

// siteTable lists the functions of the new cell with their sites. It runs
// before emit, which rewrites the trees.
func (s *Session) siteTable(c *checked) []*funcSites {
	var out []*funcSites
	line := func(p token.Pos) int { return s.fset.Position(p).Line }
	var walk func(fs *funcSites, body ast.Node)
	walk = func(fs *funcSites, body ast.Node) {
		out = append(out, fs)
		deferred := map[*ast.CallExpr]bool{}
		goCalls := map[*ast.CallExpr]bool{}
		goLits := map[*ast.FuncLit]bool{}
		add := func(n ast.Node, op SiteOp, key string, def bool) {
			if n.Pos().IsValid() {
				fs.sites = append(fs.sites, site{line: line(n.Pos()), op: op, key: key, deferred: def})
			}
		}
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				walk(&funcSites{cell: fs.cell, name: "func literal", line: line(n.Pos()), lit: true, goLit: goLits[n]}, n.Body)
				return false
			case *ast.DeferStmt:
				deferred[n.Call] = true
			case *ast.GoStmt:
				goCalls[n.Call] = true
				if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
					goLits[lit] = true
				}
			case *ast.CallExpr:
				if !goCalls[n] { // a go statement's call runs in the new goroutine
					s.callSite(c.info, n, func(op SiteOp, key string) { add(n, op, key, deferred[n]) })
				}
			case *ast.IndexExpr:
				if t := c.info.TypeOf(n.X); t != nil {
					switch u := t.Underlying().(type) {
					case *types.Slice, *types.Array:
						add(n, OpIndex, "", false)
					case *types.Basic:
						if u.Info()&types.IsString != 0 {
							add(n, OpIndex, "", false)
						}
					case *types.Pointer: // *[N]T
						add(n, OpIndex, "", false)
						add(n, OpNil, "", false)
					}
				}
			case *ast.SliceExpr:
				add(n, OpSlice, "", false)
				if t := c.info.TypeOf(n.X); t != nil && isPointer(t) {
					add(n, OpNil, "", false)
				}
			case *ast.StarExpr:
				if tv, ok := c.info.Types[n]; ok && !tv.IsType() {
					add(n, OpNil, "", false)
				}
			case *ast.SelectorExpr:
				if sel, ok := c.info.Selections[n]; ok && sel.Indirect() {
					add(n, OpNil, "", false)
				} else if ok && sel.Kind() == types.FieldVal && isPointer(sel.Recv()) {
					add(n, OpNil, "", false)
				}
			case *ast.BinaryExpr:
				if (n.Op == token.QUO || n.Op == token.REM) && divByVariable(c.info, n.Y) {
					add(n, OpDiv, "", false)
				}
			case *ast.AssignStmt:
				if (n.Tok == token.QUO_ASSIGN || n.Tok == token.REM_ASSIGN) && divByVariable(c.info, n.Rhs[0]) {
					add(n, OpDiv, "", false)
				}
				for _, l := range n.Lhs {
					mapWrite(c.info, l, func(e ast.Node) { add(e, OpMapWrite, "", false) })
				}
			case *ast.IncDecStmt:
				mapWrite(c.info, n.X, func(e ast.Node) { add(e, OpMapWrite, "", false) })
			case *ast.TypeAssertExpr:
				if n.Type != nil {
					add(n, OpAssert, "", false) // a comma-ok assertion cannot panic, but listing it only widens the choice
				}
			case *ast.SendStmt:
				add(n, OpSend, "", false)
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					add(n, OpRecv, "", false)
				}
			case *ast.SelectStmt:
				add(n, OpSelect, "", false)
			case *ast.RangeStmt:
				if t := c.info.TypeOf(n.X); t != nil && isPointer(t) {
					add(n.X, OpNil, "", false)
				} else if t != nil {
					if _, ok := t.Underlying().(*types.Chan); ok {
						add(n, OpRecv, "", false)
					}
				}
			}
			return true
		})
	}
	for _, d := range c.cur.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			if gd, ok := d.(*ast.GenDecl); ok { // function literals in package-level initializers
				for _, sp := range gd.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, v := range vs.Values {
							ast.Inspect(v, func(n ast.Node) bool {
								if lit, ok := n.(*ast.FuncLit); ok {
									walk(&funcSites{cell: c.cur.n, name: "func literal", line: line(lit.Pos()), lit: true}, lit.Body)
									return false
								}
								return true
							})
						}
					}
				}
			}
			continue
		}
		if fd.Name.Name == bodyName {
			walk(&funcSites{cell: c.cur.n}, fd.Body)
			continue
		}
		key := declKey(fd)
		walk(&funcSites{cell: c.cur.n, name: key, key: key, line: line(fd.Name.Pos())}, fd.Body)
	}
	return out
}

func isPointer(t types.Type) bool {
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

// divByVariable: an integer division whose divisor is not a constant (a
// constant zero does not compile).
func divByVariable(info *types.Info, y ast.Expr) bool {
	tv, ok := info.Types[y]
	if !ok || tv.Value != nil {
		return false
	}
	b, ok := tv.Type.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

func mapWrite(info *types.Info, lhs ast.Expr, add func(ast.Node)) {
	ix, ok := ast.Unparen(lhs).(*ast.IndexExpr)
	if !ok {
		return
	}
	if t := info.TypeOf(ix.X); t != nil {
		if _, isMap := t.Underlying().(*types.Map); isMap {
			add(ix)
		}
	}
}

// callSite says what kind of call n is; builtins other than panic and
// close, and conversions, are no calls.
func (s *Session) callSite(info *types.Info, n *ast.CallExpr, add func(SiteOp, string)) {
	fun := ast.Unparen(n.Fun)
	if ix, ok := fun.(*ast.IndexExpr); ok { // f[T](...)
		fun = ix.X
	} else if ix, ok := fun.(*ast.IndexListExpr); ok {
		fun = ix.X
	}
	if tv, ok := info.Types[fun]; ok && tv.IsType() {
		return // a conversion
	}
	var obj types.Object
	switch f := fun.(type) {
	case *ast.Ident:
		obj = info.Uses[f]
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[f]; ok {
			if sel.Kind() == types.MethodVal {
				obj = sel.Obj()
				if types.IsInterface(sel.Recv()) {
					add(OpIface, obj.Name())
					add(OpNil, "")
					return
				}
			} else {
				add(OpValue, "") // a func-typed field
				return
			}
		} else {
			obj = info.Uses[f.Sel] // a qualified identifier: pkg.F
		}
	}
	switch o := obj.(type) {
	case *types.Builtin:
		switch o.Name() {
		case "panic":
			key := "?" // the value is known only when running
			if len(n.Args) == 1 {
				if tv := info.Types[n.Args[0]]; tv.Value != nil && tv.Value.Kind() == constant.String {
					key = constant.StringVal(tv.Value)
				}
			}
			add(OpPanic, key)
		case "close":
			add(OpClose, "")
		}
		return
	case *types.Func:
		if o.Pkg() == nil || o.Pkg().Path() != "main" {
			path := ""
			if o.Pkg() != nil {
				path = o.Pkg().Path()
			}
			add(OpCompiled, path+"."+o.Name())
			return
		}
		key := o.Name()
		if recv := o.Signature().Recv(); recv != nil {
			t := recv.Type()
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if nt, ok := types.Unalias(t).(*types.Named); ok {
				key = nt.Obj().Name() + "." + key
			}
		}
		add(OpCall, key)
		return
	}
	add(OpValue, "") // a func variable or parameter, a call's result, a literal
	add(OpNil, "")
}

// A Func is a function of a cell, as a panic's frame names it.
type Func struct{ fs *funcSites }

// Name is the function's name ("f", "T.M"), "func literal", or "" for
// the cell's statements.
func (f Func) Name() string { return f.fs.name }

// Cell is the execution count of the cell that declared it.
func (f Func) Cell() int { return f.fs.cell }

// Valid says whether f names a function.
func (f Func) Valid() bool { return f.fs != nil }

// A SiteQuery asks at which lines of a function an operation stands.
type SiteQuery struct {
	// Ops are the operations that fit (any of them).
	Ops []SiteOp
	// Keys, if set, restrict the operations that have a key to those keys
	// (OpCompiled: "path.Name"; OpCall: "f" or "T.M"; OpIface: "M").
	Keys map[SiteOp]string
	// Deferred keeps only the calls of defer statements.
	Deferred bool
	// PanicString, if set, is the value of the panic, a string: a call of
	// panic with a constant argument fits only if the constant is that.
	PanicString *string
}

// Lines returns the lines of f where an operation of q stands, sorted.
func (f Func) Lines(q SiteQuery) []int {
	seen := map[int]bool{}
	var out []int
	for _, st := range f.fs.sites {
		if q.Deferred && !st.deferred {
			continue
		}
		match := false
		for _, op := range q.Ops {
			if st.op == op {
				if k, ok := q.Keys[op]; !ok || k == st.key {
					match = true
				}
			}
		}
		if st.op == OpPanic && q.PanicString != nil && st.key != "?" && st.key != *q.PanicString {
			match = false
		}
		if match && !seen[st.line] {
			seen[st.line] = true
			out = append(out, st.line)
		}
	}
	sort.Ints(out)
	return out
}

// Key is what a call of f names (OpCall's key): "f", "T.M"; "" for a
// literal or the cell's statements.
func (f Func) Key() string { return f.fs.key }

// IsLiteral says whether f is a function literal.
func (f Func) IsLiteral() bool { return f.fs.lit }

// Line is the line of f's name or func keyword.
func (f Func) Line() int { return f.fs.line }

// parsedDecls is a unit's Decls as yaegi parsed it.
type parsedDecls struct {
	fset *token.FileSet
	file *ast.File
}

// FuncAt finds the functions that a frame of yaegi's panic trace may be: name as
// yaegi writes it without "main." ("f", "M" for a method, "f.func" for a
// literal in f) and the position it gives, line and column in the unit that
// declared the function (the position of the function's first statement
// that runs). The function is the innermost one whose body holds the
// position, in the most recent unit where its name fits.
//
// A function that a later cell redefined can still run (a goroutine in it,
// a function of an earlier cell that calls it), and the units' positions
// are alike (each starts with its declarations), so FuncAt returns every
// unit's function that fits, the most recent first.
func (s *Session) FuncAt(name string, line, col int) []Func {
	s.frameMu.Lock()
	defer s.frameMu.Unlock()
	var out []Func
	for i := len(s.units) - 1; i >= 0; i-- {
		if f := s.funcIn(s.units[i], name, line, col); f.fs != nil && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// Redefined reports whether more than one unit gave yaegi a function
// named name (a cell redefined it).
func (s *Session) Redefined(name string) bool {
	s.frameMu.Lock()
	defer s.frameMu.Unlock()
	n := 0
	for _, u := range s.units {
		if strings.Contains(u.decls, "func "+name+"(") || strings.Contains(u.decls, "func "+name+"[") {
			n++
		}
	}
	return n > 1
}

// emitted is what FuncAt keeps of a committed unit.
type emitted struct {
	n     int // the cell's execution count
	decls string
	lines []lineMark
}

func (s *Session) funcIn(u *emitted, name string, line, col int) Func {
	// Only a unit that declares a function of that name can hold it; the
	// others are not parsed (and parsed units are not kept: a long session
	// has many).
	base, _, _ := strings.Cut(name, ".")
	if !strings.Contains(u.decls, " "+base+"(") {
		return Func{}
	}
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "unit.go", u.decls, parser.SkipObjectResolution)
	p := &parsedDecls{fset, f}
	if p.file == nil {
		return Func{}
	}
	tf := p.fset.File(p.file.Pos())
	if line < 1 || line > tf.LineCount() {
		return Func{}
	}
	pos := tf.LineStart(line) + token.Pos(col-1)
	// The chain of functions whose bodies hold pos, outermost first.
	var decl *ast.FuncDecl
	var lits []*ast.FuncLit
	atLit := false // pos is the func keyword of a literal in the innermost body
	for _, d := range p.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || pos < fd.Body.Lbrace || pos > fd.Body.Rbrace {
			continue
		}
		decl = fd
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			lit, ok := n.(*ast.FuncLit)
			if !ok {
				return true
			}
			if lit.Pos() == pos {
				atLit = true
			}
			if pos >= lit.Body.Lbrace && pos <= lit.Body.Rbrace {
				lits = append(lits, lit)
				return true
			}
			return false
		})
		break
	}
	if decl == nil {
		return Func{}
	}
	// yaegi's position is in the first statement that runs: in another
	// unit, a function of the same name whose body happens to hold the
	// position elsewhere is not the one (a goroutine can still run a
	// function that a later cell redefined).
	body := decl.Body
	if len(lits) > 0 {
		body = lits[len(lits)-1].Body
	}
	if !inFirstStatements(body, pos) {
		return Func{}
	}
	yname := decl.Name.Name + strings.Repeat(".func", len(lits))
	if name != yname && !(atLit && name == yname+".func") {
		return Func{}
	}
	if strings.HasPrefix(decl.Name.Name, "_gl_cell") && len(lits) == 0 {
		// The cell's statements.
		return s.funcOf(u.n, func(fs *funcSites) bool { return fs.name == "" && !fs.lit })
	}
	at := func(pos token.Pos) (int, int) {
		w := where(u.lines, p.fset.Position(pos).Line)
		return w.cell, w.line
	}
	if len(lits) == 0 {
		c, l := at(decl.Name.Pos())
		dname := decl.Name.Name
		if dname == "_gl_main" {
			dname = "main" // a pasted program's main, renamed
		}
		if m := monoCopy.FindStringSubmatch(dname); m != nil {
			dname = m[1] // a generic's concrete copy (pass monomorphize)
		}
		if c == 0 || strings.HasPrefix(dname, "_gl_") {
			return Func{}
		}
		return s.funcOf(c, func(fs *funcSites) bool {
			return !fs.lit && fs.line == l && (fs.name == dname || strings.HasSuffix(fs.name, "."+dname))
		})
	}
	lit := lits[len(lits)-1]
	c, l := at(lit.Pos())
	if c == 0 {
		return Func{}
	}
	// Only a literal alone on its line in both the unit and the cell is
	// known for sure (the front end adds literals of its own).
	n := 0
	ast.Inspect(p.file, func(x ast.Node) bool {
		if x, ok := x.(*ast.FuncLit); ok {
			if xc, xl := at(x.Pos()); xc == c && xl == l {
				n++
			}
		}
		return true
	})
	if n != 1 {
		return Func{}
	}
	return s.funcOf(c, func(fs *funcSites) bool { return fs.lit && fs.line == l })
}

// monoCopy matches the name pass monomorphize gives a generic function's
// concrete copy ("_gl_i3_first"), capturing the generic's name.
var monoCopy = regexp.MustCompile(`^_gl_i\d+_(\w+)$`)

// inFirstStatements reports whether pos lies in body's first statement, or
// in a declaration before it or in the statement right after those.
func inFirstStatements(body *ast.BlockStmt, pos token.Pos) bool {
	for _, st := range body.List {
		if pos >= st.Pos() && pos <= st.End() {
			return true
		}
		if _, ok := st.(*ast.DeclStmt); !ok {
			return false
		}
	}
	return false
}

// funcOf returns the one function of cell c that match accepts.
func (s *Session) funcOf(c int, match func(*funcSites) bool) Func {
	var found *funcSites
	for _, fs := range s.sites[c] {
		if match(fs) {
			if found != nil {
				return Func{}
			}
			found = fs
		}
	}
	return Func{found}
}

// GoFunc returns the function literal of the go statement at line of cell
// c (the function a goroutine started with `go func() {...}()` runs), if
// there is exactly one literal starting on that line.
func (s *Session) GoFunc(c, line int) Func {
	s.frameMu.Lock()
	defer s.frameMu.Unlock()
	return s.funcOf(c, func(fs *funcSites) bool { return fs.goLit && fs.line == line })
}

// CellBody returns the statements of cell c, as a function.
func (s *Session) CellBody(c int) Func {
	s.frameMu.Lock()
	defer s.frameMu.Unlock()
	return s.funcOf(c, func(fs *funcSites) bool { return fs.name == "" && !fs.lit })
}

type cellLine struct{ cell, line int }

// where is Unit.Where as numbers.
func where(lines []lineMark, line int) cellLine {
	var best *lineMark
	for i := range lines {
		if lines[i].out <= line {
			best = &lines[i]
		}
	}
	if best == nil {
		return cellLine{}
	}
	return cellLine{best.cell, best.line + line - best.out}
}

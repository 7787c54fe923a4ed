package cell

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"reflect"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Options configure a Session.
type Options struct {
	// Dir is the directory in which `go list -export` resolves imports for
	// type-checking; empty means the current directory. A package that
	// does not resolve there (golang.org/x/sync outside a module that
	// requires it) resolves through a module of our own that requires the
	// versions the kernel was built with, offline from the module cache.
	// The project's own packages (kernel/display) resolve only inside this
	// module: set Dir to its checkout, or give Tables.
	Dir string
	// Tables, if set, are the interpreter's symbol tables (yaegi's shape,
	// "path/name" -> name -> value). A package that go list cannot find
	// but a table has is type-checked from the table by reflection (no doc
	// comments then).
	Tables map[string]map[string]reflect.Value
}

// Session is the front end's view of one notebook: the cells that ran, the
// names they declared, and what the interpreter has already been given.
// It is not safe for concurrent use.
type Session struct {
	fset  *token.FileSet
	imp   types.ImporterFrom
	cells []*cellRec
	// visible lists the committed cells that declare or import something,
	// in order: the others give later cells nothing to see. The first
	// sorted cells have been sorted into it (committedFiles).
	visible []*cellRec
	sorted  int

	// What yaegi has been given so far.
	yImports map[string]string // import path -> alias in yaegi's global scope
	yAliases map[string]bool   // aliases in use
	yTypes   map[string]string // session type name -> current yaegi name
	yTypeN   map[string]int    // session type name -> versions emitted
	yVars    map[string]string // session var name -> type (as text) declared in yaegi
	yPrelude map[string]bool   // declarations of generic.go.txt given
	mono     monoState         // instances of the cells' generics given (monomorphize)

	disabled  map[string]bool // passes switched off (tests only)
	allPasses bool            // run the passes that cannot apply too (tests only: passkinds.go)
	recovers  bool            // a cell called recover (pass indexBounds)
	inIface   map[string]bool // types whose values interpreted code put into interfaces (pass ifaceAssert)
	runs      int             // units prepared, for unique function names

	frameMu sync.Mutex
	frames  map[string]*Unit     // function name -> the unit that gave it to yaegi
	units   []*emitted           // the units given to yaegi, for FuncAt (sites.go)
	sites   map[int][]*funcSites // cell -> its functions and their sites

}

// cellRec is a committed cell: what is needed to rebuild its declarations
// for the next type-check.
type cellRec struct {
	n       int
	src     string
	imports []importSpec // auto-imports and imports needed by hoisted types
	hoisted []hoisted    // top-level variables declared by statements
	sets    []varSet     // the session variables running it wrote (program_vars.go)
	dead    map[string]bool

	names map[string]bool // the names the cell declares (declaredNames)
	// importing says the cell has imports, which later cells may use.
	importing bool
	cache     *cellFile // its declarations, parsed, for cacheKey
	cacheKey  string    // the names it had lost to later cells
}

type importSpec struct{ name, path string }

type hoisted struct {
	name string
	typ  string // a type expression, valid in the cell's file
}

// Unit is a cell prepared for the interpreter.
type Unit struct {
	// ExecCount is the cell's number, as passed to Prepare.
	ExecCount int
	// Imports, if not empty, is a Go source file with the imports the cell
	// needs that the interpreter does not have yet. Evaluate it first,
	// always: Prepare records these imports as done.
	Imports string
	// Decls is a complete Go source file ("package main ...") with the
	// cell's imports, declarations and a function that runs its statements.
	// Evaluate it first.
	Decls string
	// Run is the expression to evaluate next; it runs the cell's statements
	// and, if HasResult, returns the value of the cell's final expression.
	Run string
	// OnlyRunner says that Decls declares nothing but the function Run
	// calls (a cell of statements only, such as 1+1): evaluating Decls
	// runs no code.
	OnlyRunner bool
	// HasResult says whether the cell ends in a single-valued expression.
	// The value comes back from evaluating Run as an `any`.
	HasResult bool
	// ResultFormatted says the value from Run is the result as fmt.Sprint
	// formats it in the interpreter (a string): its type has a String or
	// Error method that only the interpreter can call, or is an interface.
	ResultFormatted bool
	// WritesStdio says that the cell's code can write to the process's
	// standard output or error by itself (it names os.Stdout, calls
	// println, uses package flag...), not only through the interpreter's
	// fmt.Print and log functions. A session that buffers the
	// interpreter's output must stop before such a cell runs, or the two
	// would come out of order.
	WritesStdio bool

	lines    []lineMark
	funcs    []string     // the functions Decls gives yaegi
	sites    []*funcSites // the cell's functions, for a panic's lines (sites.go)
	rec      *cellRec
	yImports map[string]string
	yTypes   map[string]string
	yTypeN   map[string]int
	yVars    map[string]string
	yPrelude map[string]bool
	mono     monoState
	check    *checked
}

// lineMark says that line out of Decls comes from a cell's line.
type lineMark struct{ out, cell, line int }

// Where turns a line of Decls (as in yaegi's messages, "12:5: ...") into
// cell coordinates: "cell 3, line 4". It returns "" for generated lines.
func (u *Unit) Where(line int) string {
	var best *lineMark
	for i := range u.lines {
		if u.lines[i].out <= line {
			best = &u.lines[i]
		}
	}
	if best == nil {
		return ""
	}
	return fmt.Sprintf("cell %d, line %d", best.cell, best.line+line-best.out)
}

// Frame turns a frame of yaegi's panic trace ("4:2: panic: main.f(...)":
// function f, line 4 of the unit that declared it) into cell coordinates,
// "cell 3, line 2", or "" if it does not know the function. The runner
// function of a cell reads as that cell. Unlike the rest of Session, Frame
// may be called from any goroutine.
func (s *Session) Frame(fn string, line int) string {
	s.frameMu.Lock()
	u := s.frames[fn]
	s.frameMu.Unlock()
	if u == nil {
		return ""
	}
	return u.Where(line)
}

// Error is a compile error in cell coordinates.
type Error struct {
	Cell      int // the execution count of the cell
	Line, Col int // 1-based, in the cell's source
	Msg       string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("cell %d: %s", e.Cell, e.Msg)
	}
	return fmt.Sprintf("cell %d, line %d: %s", e.Cell, e.Line, e.Msg)
}

// ErrorList is the error Prepare returns when a cell does not compile.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// NewSession returns an empty session.
func NewSession(opt Options) *Session {
	fset := token.NewFileSet()
	return &Session{
		fset:     fset,
		imp:      newImporter(fset, opt.Dir, opt.Tables),
		yImports: map[string]string{},
		yAliases: map[string]bool{},
		yTypes:   map[string]string{},
		yTypeN:   map[string]int{},
		yVars:    map[string]string{},
		yPrelude: map[string]bool{},
	}
}

// Prepare parses, type-checks and rewrites a cell. The only state it
// changes is the set of imports the interpreter has (see Unit.Imports).
// Call Commit with the Unit once the interpreter has evaluated Unit.Decls
// (even if running Unit.Run then failed, the declarations exist).
//
// A panic inside the front end (a bug of ours) becomes the cell's error,
// naming the front end and suggesting %%run: it must not end the worker,
// and with it the session.
func (s *Session) Prepare(execCount int, src string) (u *Unit, err error) {
	defer func() {
		if r := recover(); r != nil {
			u, err = nil, fmt.Errorf("the kernel's front end failed on this cell (a gopherlab bug: %v); run the cell compiled with %%%%run, and please report it with the cell's text\n%s", r, debug.Stack())
		}
	}()
	c, err := s.check(execCount, src)
	if err != nil {
		return nil, err
	}
	c.rec.sets = s.sessionWrites(c) // before emit's rewrites change the trees
	sites := s.siteTable(c)
	stdio := writesStdio(c)
	u, err = s.emit(c)
	if u != nil {
		u.sites = sites
		u.WritesStdio = stdio
	}
	return u, err
}

// Commit records a prepared cell as part of the session.
func (s *Session) Commit(u *Unit) {
	// Earlier cells lose the names this one declares (none for 1+1: then
	// committing does not grow with the number of cells).
	for name := range u.check.cur.defines {
		for _, c := range s.cells {
			c.dead[name] = true
		}
	}
	// The unit stays in s.frames for its line table (Where); its type
	// check, with every tree and type of the session, goes.
	u.check = nil
	s.cells = append(s.cells, u.rec)
	s.frameMu.Lock()
	if s.frames == nil {
		s.frames = map[string]*Unit{}
	}
	for _, f := range u.funcs {
		s.frames[f] = u
	}
	if s.sites == nil {
		s.sites = map[int][]*funcSites{}
	}
	s.sites[u.ExecCount] = u.sites
	s.units = append(s.units, &emitted{n: u.ExecCount, decls: u.Decls, lines: u.lines})
	s.frameMu.Unlock()
	s.yImports, s.yTypes, s.yTypeN, s.yVars, s.yPrelude = u.yImports, u.yTypes, u.yTypeN, u.yVars, u.yPrelude
	s.mono = u.mono
	// The session has them now: the unit would keep each cell's copy of
	// what yaegi had (mono's with types of the cell's check) as long as
	// the session lives.
	u.yImports, u.yTypes, u.yTypeN, u.yVars, u.yPrelude = nil, nil, nil, nil, nil
	u.mono = monoState{}
	s.yAliases = map[string]bool{}
	for _, a := range s.yImports {
		s.yAliases[a] = true
	}
}

// cellFile is one cell's source as a Go file for the type checker.
type cellFile struct {
	n    int
	src  string
	file *ast.File
	body *ast.FuncDecl // the statements, nil for a committed cell
	// defines lists the top-level names the cell declares (funcs, types,
	// consts, vars; methods as "T.M").
	defines map[string]bool
	result  ast.Expr // the final expression, if any
	// importing says the cell's source has imports.
	importing bool
}

const bodyName = "_gl_body"

// buildFile turns a cell into a Go file. Imports and declarations stay at
// the top level; statements and var declarations go into one function, in
// order. Line directives keep every position in cell coordinates.
func buildFile(fset *token.FileSet, n int, src string, withBody bool) (*cellFile, error) {
	segs := split(src)
	var b strings.Builder
	b.WriteString("package main\n")
	lineCol := func(off int) (int, int) {
		line, col := 1, 1
		for _, r := range src[:off] {
			if r == '\n' {
				line++
				col = 1
			} else {
				col++
			}
		}
		return line, col
	}
	write := func(sg segment) {
		l, c := lineCol(sg.start)
		fmt.Fprintf(&b, "/*line cell %d:%d:%d*/%s\n", n, l, c, src[sg.start:sg.end])
	}
	// A pasted program's package clause: the session is package main.
	var pkgErr error
	if len(segs) > 0 && segs[0].kind == segPackage {
		clause := strings.Fields(src[segs[0].start:segs[0].end])
		if len(clause) != 2 || clause[1] != "main" {
			l, c := lineCol(segs[0].start)
			pkgErr = ErrorList{{Cell: n, Line: l, Col: c, Msg: fmt.Sprintf("a cell belongs to package main, not %q", strings.Join(clause[1:], " "))}}
		}
	}
	for _, sg := range segs {
		if sg.kind == segImport {
			write(sg)
		}
	}
	for _, sg := range segs {
		if sg.kind == segDecl {
			write(sg)
		}
	}
	if withBody {
		b.WriteString("//line gopherlab:1\nfunc " + bodyName + "() {\n")
		for _, sg := range segs {
			if sg.kind == segStmt || sg.kind == segVar {
				write(sg)
			}
		}
		b.WriteString("//line gopherlab:2\n}\n")
	}
	f, perr := parser.ParseFile(fset, fmt.Sprintf("cell%d.go", n), b.String(), parser.ParseComments|parser.AllErrors)
	if f == nil {
		return nil, parseErrors(n, perr)
	}
	// With a syntax error, the partial file still comes back (for
	// completion), along with the error.
	err := pkgErr
	if perr != nil {
		err = parseErrors(n, perr)
	}
	cf := &cellFile{n: n, src: src, file: f, defines: map[string]bool{}, importing: len(f.Imports) > 0}
	for _, d := range f.Decls {
		if isBody(d) {
			cf.body = d.(*ast.FuncDecl)
		}
	}
	addDeclNames(cf.defines, f)
	if cf.body != nil && cf.body.Body != nil {
		orderPastedVars(f, cf.body.Body)
		for _, st := range cf.body.Body.List {
			for _, name := range stmtDefines(st) {
				cf.defines[name] = true
			}
		}
		if l := cf.body.Body.List; len(l) > 0 {
			if es, ok := l[len(l)-1].(*ast.ExprStmt); ok {
				cf.result = es.X
				// A final expression that Go would reject as unused (x, a+b)
				// is the cell's result: check it as "_ = x".
				if !isStmtExpr(es.X) {
					l[len(l)-1] = &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, TokPos: es.X.Pos(), Tok: token.ASSIGN, Rhs: []ast.Expr{es.X}}
				}
			}
		}
	}
	delete(cf.defines, "_")
	return cf, err
}

// declKey names a func declaration: "f", or "T.M" for a method.
func declKey(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	return recvTypeName(d.Recv.List[0].Type) + "." + d.Name.Name
}

func recvTypeName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}

func genDeclNames(d *ast.GenDecl) []string {
	var names []string
	for _, sp := range d.Specs {
		switch sp := sp.(type) {
		case *ast.TypeSpec:
			names = append(names, sp.Name.Name)
		case *ast.ValueSpec:
			for _, id := range sp.Names {
				names = append(names, id.Name)
			}
		}
	}
	return names
}

// stmtDefines lists the session variables a top-level statement declares.
func stmtDefines(st ast.Stmt) []string {
	var names []string
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok == token.DEFINE {
			for _, e := range st.Lhs {
				if id, ok := e.(*ast.Ident); ok {
					names = append(names, id.Name)
				}
			}
		}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok {
			names = genDeclNames(gd)
		}
	}
	return names
}

func parseErrors(n int, err error) error {
	var list scanner.ErrorList
	if errors.As(err, &list) {
		var out ErrorList
		for _, e := range list {
			out = append(out, posError(n, e.Pos, e.Msg))
			if len(out) == 10 {
				break
			}
		}
		return out
	}
	return ErrorList{{Cell: n, Msg: err.Error()}}
}

// posError makes an Error from a position whose file name is a line
// directive's "cell N".
func posError(n int, p token.Position, msg string) *Error {
	e := &Error{Cell: n, Line: p.Line, Col: p.Column, Msg: msg}
	if c, ok := strings.CutPrefix(p.Filename, "cell "); ok {
		if k, err := strconv.Atoi(c); err == nil {
			e.Cell = k
		}
	} else {
		e.Line, e.Col = 0, 0
	}
	return e
}

// sortErrors orders errors by cell, line and column, and drops duplicates.
func sortErrors(l ErrorList) ErrorList {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Cell != b.Cell {
			return a.Cell < b.Cell
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	var out ErrorList
	for i, e := range l {
		if i > 0 && *e == *l[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// isStmtExpr reports whether Go accepts an expression as a statement.
func isStmtExpr(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		return true
	case *ast.UnaryExpr:
		return e.Op == token.ARROW
	}
	return false
}

// isBody reports whether d is the function buildFile puts a cell's
// statements in.
func isBody(d ast.Decl) bool {
	fd, ok := d.(*ast.FuncDecl)
	return ok && fd.Name.Name == bodyName && fd.Recv == nil
}

// addDeclNames adds to names those that f's declarations declare, but for
// the cell's statements' function.
func addDeclNames(names map[string]bool, f *ast.File) {
	for _, d := range f.Decls {
		if !isBody(d) {
			for _, name := range DeclNames(d) {
				names[name] = true
			}
		}
	}
}

// DeclNames lists the names a top-level declaration defines, as the session
// keys them: "f" for a function, "T.M" for a method, every name of a type,
// const or var declaration.
func DeclNames(d ast.Decl) []string {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return []string{declKey(d)}
	case *ast.GenDecl:
		return genDeclNames(d)
	}
	return nil
}

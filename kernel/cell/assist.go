package cell

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"io/fs"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// This file answers the notebook's questions about code that has not run,
// from the same type information as Prepare: completion, inspection and
// whether a cell is complete.

var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for",
	"func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select",
	"struct", "switch", "type", "var",
}

const completionMark = "_gl_complete"

// looseCheck type-checks the session with a cell that may not compile, for
// completion and inspection. Errors are ignored.
func (s *Session) looseCheck(src string) (*types.Info, *cellFile, *types.Package, []*ast.File) {
	cur, _ := buildFile(s.fset, 0, src, true)
	if cur == nil {
		return nil, nil, nil, nil
	}
	committed, err := s.committedFiles(cur.defines)
	if err != nil {
		return nil, nil, nil, nil
	}
	addImports(cur.file, s.autoImports(committed, cur))
	info := newInfo()
	conf := types.Config{Importer: s.imp, GoVersion: "go1.26", Error: func(error) {}}
	var files []*ast.File
	for _, f := range committed {
		files = append(files, f.file)
	}
	files = append(files, cur.file)
	pkg, _ := conf.Check("main", s.fset, files, info)
	return info, cur, pkg, files
}

// runeToByte turns a rune offset (as Jupyter counts) into a byte offset.
func runeToByte(src string, cursor int) int {
	i := 0
	for off := range src {
		if i == cursor {
			return off
		}
		i++
	}
	return len(src)
}

func byteToRune(src string, off int) int { return utf8.RuneCountInString(src[:off]) }

func isIdentByte(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// Complete returns the names that may replace the identifier before cursor
// (a rune offset), and the rune span [start, end) they replace. After a dot
// it offers the fields and methods of the value (wg. -> Add, Done, Go,
// Wait) or the exported names of the package; otherwise the names in scope
// at the cursor, package names and keywords. It works before the cell has
// run.
func (s *Session) Complete(src string, cursor int) (matches []string, start, end int) {
	off := runeToByte(src, cursor)
	st := off
	for st > 0 {
		r, size := utf8.DecodeLastRuneInString(src[:st])
		if !isIdentByte(r) {
			break
		}
		st -= size
	}
	prefix := src[st:off]
	start, end = byteToRune(src, st), cursor
	probe := src[:st] + completionMark + src[off:]
	info, cur, pkg, _ := s.looseCheck(probe)
	if info == nil {
		return nil, start, end
	}
	var mark *ast.Ident
	var sel *ast.SelectorExpr
	ast.Inspect(cur.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if n.Sel.Name == completionMark {
				sel = n
			}
		case *ast.Ident:
			if n.Name == completionMark && mark == nil {
				mark = n
			}
		}
		return true
	})
	add := func(name string) {
		if strings.HasPrefix(name, prefix) && !strings.HasPrefix(name, "_gl_") && name != completionMark && name != "_" {
			matches = append(matches, name)
		}
	}
	switch {
	case sel != nil:
		if id, ok := sel.X.(*ast.Ident); ok {
			if pn, ok := info.Uses[id].(*types.PkgName); ok {
				scope := pn.Imported().Scope()
				for _, name := range scope.Names() {
					if token.IsExported(name) {
						add(name)
					}
				}
				break
			}
		}
		tv, ok := info.Types[sel.X]
		if !ok || tv.Type == nil {
			break
		}
		t := tv.Type
		seen := map[string]bool{}
		for _, typ := range []types.Type{t, types.NewPointer(t)} {
			if _, isPtr := t.(*types.Pointer); isPtr && typ != t {
				continue
			}
			ms := types.NewMethodSet(typ)
			for i := range ms.Len() {
				m := ms.At(i).Obj()
				if (m.Exported() || m.Pkg() == pkg) && !seen[m.Name()] {
					seen[m.Name()] = true
					add(m.Name())
				}
			}
		}
		if st, ok := derefStruct(t); ok {
			for i := range st.NumFields() {
				f := st.Field(i)
				if (f.Exported() || f.Pkg() == pkg) && !seen[f.Name()] {
					seen[f.Name()] = true
					add(f.Name())
				}
			}
		}
	default:
		var scope *types.Scope
		if mark != nil && pkg != nil {
			scope = pkg.Scope().Innermost(mark.Pos())
		}
		if scope == nil && pkg != nil {
			scope = pkg.Scope()
		}
		seen := map[string]bool{}
		for sc := scope; sc != nil; sc = sc.Parent() {
			for _, name := range sc.Names() {
				if !seen[name] {
					seen[name] = true
					add(name)
				}
			}
		}
		for name := range knownByName {
			if !seen[name] {
				seen[name] = true
				add(name)
			}
		}
		for _, k := range keywords {
			add(k)
		}
	}
	sort.Strings(matches)
	return dedupe(matches), start, end
}

func dedupe(xs []string) []string {
	var out []string
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func derefStruct(t types.Type) (*types.Struct, bool) {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	return st, ok
}

// Inspect describes the name at (or just before) cursor: its declaration
// as Go writes it and its doc comment. ok is false if there is nothing to
// say.
func (s *Session) Inspect(src string, cursor int) (text string, ok bool) {
	off := runeToByte(src, cursor)
	st, en := off, off
	for st > 0 {
		r, size := utf8.DecodeLastRuneInString(src[:st])
		if !isIdentByte(r) {
			break
		}
		st -= size
	}
	for en < len(src) {
		r, size := utf8.DecodeRuneInString(src[en:])
		if !isIdentByte(r) {
			break
		}
		en += size
	}
	info, cur, pkg, files := s.looseCheck(src)
	if info == nil {
		return "", false
	}
	obj := s.objectAt(info, cur, src, st, en)
	if obj == nil {
		// Inside a call's parentheses (fmt.Println(|), as Jupyter users ask
		// for a signature with Shift-Tab: the function called.
		if cst, cen, ok := callBefore(src, off); ok {
			obj = s.objectAt(info, cur, src, cst, cen)
		}
	}
	if obj == nil {
		return "", false
	}
	qual := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	var b strings.Builder
	b.WriteString(types.ObjectString(obj, qual))
	if d := docFor(obj, pkg, files); d != "" {
		b.WriteString("\n\n")
		b.WriteString(strings.TrimSpace(d))
	}
	return b.String(), true
}

// objectAt returns the object of the identifier at [st, en) of the cell,
// or nil.
func (s *Session) objectAt(info *types.Info, cur *cellFile, src string, st, en int) types.Object {
	if st == en {
		return nil
	}
	var obj types.Object
	for id, o := range info.Uses {
		if s.inCell(cur, id, src, st) {
			obj = o
		}
	}
	if obj == nil {
		for id, o := range info.Defs {
			if o != nil && s.inCell(cur, id, src, st) {
				obj = o
			}
		}
	}
	return obj
}

// callBefore returns the span of the name of the function whose call's
// parentheses hold byte offset off of src (the innermost open one), as in
// fmt.Println(a, |: "Println". String and rune literals are skipped.
func callBefore(src string, off int) (st, en int, ok bool) {
	depth := 0
	for i := off - 1; i >= 0; i-- {
		switch c := src[i]; c {
		case ')', ']', '}':
			depth++
		case '[', '{':
			depth--
			if depth < 0 {
				return 0, 0, false // inside a composite literal or an index, not a call
			}
		case '"', '`', '\'':
			for i--; i >= 0 && (src[i] != c || c != '`' && i > 0 && src[i-1] == '\\'); i-- {
			}
		case '(':
			if depth > 0 {
				depth--
				continue
			}
			en = i
			for en > 0 && (src[en-1] == ' ' || src[en-1] == '\t') {
				en--
			}
			st = en
			for st > 0 {
				r, size := utf8.DecodeLastRuneInString(src[:st])
				if !isIdentByte(r) {
					break
				}
				st -= size
			}
			return st, en, st < en
		}
	}
	return 0, 0, false
}

// inCell reports whether id is the identifier of the cell (n == 0) that
// starts at byte offset off of src.
func (s *Session) inCell(cur *cellFile, id *ast.Ident, src string, off int) bool {
	p := s.fset.Position(id.Pos())
	if p.Filename != "cell 0" {
		return false
	}
	line, col := 1, 1
	for _, r := range src[:off] {
		if r == '\n' {
			line++
			col = 1
		} else {
			col += utf8.RuneLen(r)
		}
	}
	return p.Line == line && p.Column == col
}

// docFor finds the doc comment of an object: in the cells for the
// session's own names, with go/doc in the package's source otherwise.
func docFor(obj types.Object, pkg *types.Package, files []*ast.File) string {
	if obj.Pkg() == nil {
		return ""
	}
	if obj.Pkg() == pkg {
		return sessionDoc(obj, files)
	}
	return packageDoc(obj)
}

func sessionDoc(obj types.Object, files []*ast.File) string {
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.Pos() == obj.Pos() && d.Doc != nil {
					return d.Doc.Text()
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						if sp.Name.Pos() == obj.Pos() {
							if sp.Doc != nil {
								return sp.Doc.Text()
							}
							if d.Doc != nil {
								return d.Doc.Text()
							}
						}
					}
				}
			}
		}
	}
	return ""
}

var pkgDocs = struct {
	sync.Mutex
	m map[string]*doc.Package
}{m: map[string]*doc.Package{}}

// packageDoc reads a package's documentation with go/doc, from the source
// that `go list` finds (GOROOT or the module cache).
func packageDoc(obj types.Object) string {
	path := obj.Pkg().Path()
	pkgDocs.Lock()
	defer pkgDocs.Unlock()
	dp, ok := pkgDocs.m[path]
	if !ok {
		dp = loadDoc(path)
		pkgDocs.m[path] = dp
	}
	if dp == nil {
		return ""
	}
	name := obj.Name()
	recv := ""
	if f, ok := obj.(*types.Func); ok {
		if sig, ok := f.Type().(*types.Signature); ok && sig.Recv() != nil {
			t := sig.Recv().Type()
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if n, ok := types.Unalias(t).(*types.Named); ok {
				recv = n.Obj().Name()
			}
		}
	}
	for _, f := range dp.Funcs {
		if recv == "" && f.Name == name {
			return f.Doc
		}
	}
	for _, t := range dp.Types {
		if recv == "" && t.Name == name {
			return t.Doc
		}
		for _, f := range append(t.Funcs, t.Methods...) {
			if f.Name == name && (recv == "" || recv == t.Name) {
				return f.Doc
			}
		}
	}
	for _, vs := range append(dp.Vars, dp.Consts...) {
		for _, n := range vs.Names {
			if n == name {
				return vs.Doc
			}
		}
	}
	return ""
}

func loadDoc(path string) *doc.Package {
	out, err := exec.Command("go", "list", "-f", "{{.Dir}}", "--", path).Output()
	if err != nil {
		return nil
	}
	dir := strings.TrimSpace(string(out))
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		return nil
	}
	for name, p := range pkgs {
		if name == pkgName(path) || len(pkgs) == 1 {
			return doc.New(p, path, 0)
		}
	}
	return nil
}

// IsComplete says whether a cell is ready to run: "complete", "incomplete"
// (with the indent for the next line) or "invalid".
func (s *Session) IsComplete(src string) (status, indent string) {
	var sc scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	bad := false
	sc.Init(file, []byte(src), func(pos token.Position, msg string) {
		bad = true
		if strings.Contains(msg, "not terminated") {
			status = "incomplete"
		}
	}, 0)
	depth := 0
	for {
		_, tok, _ := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
	}
	if status == "incomplete" {
		return "incomplete", ""
	}
	if depth > 0 {
		return "incomplete", strings.Repeat("\t", depth)
	}
	if bad || depth < 0 {
		return "invalid", ""
	}
	if _, err := buildFile(token.NewFileSet(), 0, src, true); err != nil {
		if strings.HasSuffix(strings.TrimSpace(src), ",") || strings.Contains(err.Error(), "EOF") {
			return "incomplete", ""
		}
		return "invalid", ""
	}
	return "complete", ""
}

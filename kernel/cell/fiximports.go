package cell

import (
	"bytes"
	"cmp"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/ast/astutil"
)

// FixImports does for the Go files built from cells (Program's, and the
// file %grade submits) what goimports does for them: it removes the
// imports src does not use; when add is set, it imports each package name
// src uses and imports not, if cells may use that package without
// importing it (the package the session itself would import for the
// name); and it formats src with its imports in one declaration, sorted,
// the standard library's first.
//
// It stands in for golang.org/x/tools/imports, whose table of the standard
// library cost every process that runs the gopherlab binary, the kernel
// process included, 0.75 MB of heap from the start. Unlike goimports it
// never looks on disk: a name that no known package has stays unresolved.
func FixImports(src []byte, add bool) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	// The package names src uses, as goimports finds them: the X of X.Sel,
	// Sel exported, where X is an identifier nothing in the file declares.
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil && ast.IsExported(sel.Sel.Name) {
				used[id.Name] = true
			}
		}
		return true
	})
	imported := map[string]bool{}
	for _, sp := range slices.Clone(f.Imports) {
		p, err := strconv.Unquote(sp.Path.Value)
		if err != nil {
			continue
		}
		name, explicit := pkgName(p), ""
		if sp.Name != nil {
			name, explicit = sp.Name.Name, sp.Name.Name
		}
		switch {
		case name == "_" || name == "." || p == "C" || !token.IsIdentifier(name):
			// blank, dot and cgo imports stay, as do those whose name
			// the path does not tell
		case used[name]:
			imported[name] = true
		case p == "embed" && hasEmbedDirective(f):
			sp.Name = ast.NewIdent("_") // the directive needs the import
		default:
			astutil.DeleteNamedImport(fset, f, explicit, p)
		}
	}
	if add {
		var missing []string
		for name := range used {
			if _, ok := knownByName[name]; ok && !imported[name] {
				missing = append(missing, name)
			}
		}
		slices.Sort(missing)
		for _, name := range missing {
			astutil.AddImport(fset, f, knownByName[name])
		}
	}
	mergeImportDecls(f)
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&b, fset, f); err != nil {
		return nil, err
	}
	return format.Source(sortImportLines(b.Bytes()))
}

// hasEmbedDirective reports whether f has a //go:embed directive.
func hasEmbedDirective(f *ast.File) bool {
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if rest, ok := strings.CutPrefix(c.Text, "//go:embed"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
				return true
			}
		}
	}
	return false
}

// mergeImportDecls moves the specs of every import declaration but the
// first (and those of import "C") into the first, as goimports does.
func mergeImportDecls(f *ast.File) {
	var first *ast.GenDecl
	for i := 0; i < len(f.Decls); i++ {
		d, ok := f.Decls[i].(*ast.GenDecl)
		if !ok || d.Tok != token.IMPORT || slices.ContainsFunc(d.Specs, func(s ast.Spec) bool { return s.(*ast.ImportSpec).Path.Value == `"C"` }) {
			continue
		}
		if first == nil {
			first = d
			continue
		}
		first.Lparen = first.Pos()
		for _, s := range d.Specs {
			s.(*ast.ImportSpec).Path.ValuePos = first.Pos()
			first.Specs = append(first.Specs, s)
		}
		f.Decls = slices.Delete(f.Decls, i, i+1)
		i--
	}
}

// importLine matches a line of an import block that holds one spec. It is
// compiled on first use, not in every process at start.
var importLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\t(?:([\w.]+) )?("[^"]*")(?:\s*//.*)?$`)
})

// sortImportLines sorts each run of spec lines in the import blocks of
// formatted Go source by group (the standard library, then the rest), path
// and name, drops duplicates, and puts a blank line between the groups.
func sortImportLines(src []byte) []byte {
	var out, run []string
	flush := func() {
		slices.SortStableFunc(run, func(a, b string) int {
			ga, pa, na := importKey(a)
			gb, pb, nb := importKey(b)
			return cmp.Or(cmp.Compare(ga, gb), cmp.Compare(pa, pb), cmp.Compare(na, nb))
		})
		run = slices.Compact(run)
		for i, l := range run {
			if g, _, _ := importKey(l); i > 0 {
				if prev, _, _ := importKey(run[i-1]); g != prev {
					out = append(out, "\n")
				}
			}
			out = append(out, l)
		}
		run = nil
	}
	inBlock := false
	for _, l := range strings.SplitAfter(string(src), "\n") {
		switch {
		case !inBlock:
			inBlock = l == "import (\n"
		case importLine().MatchString(strings.TrimSuffix(l, "\n")):
			run = append(run, l)
			continue
		default: // a blank line, a comment, or the end of the block
			flush()
			inBlock = l != ")\n"
		}
		out = append(out, l)
	}
	flush()
	return []byte(strings.Join(out, ""))
}

// importKey returns the group, quoted path and name of a spec line.
func importKey(line string) (group int, path, name string) {
	m := importLine().FindStringSubmatch(strings.TrimSuffix(line, "\n"))
	return importGroup(m[2]), m[2], m[1]
}

// importGroup is 0 for a path of the standard library (no dot in its first
// element), 1 for any other.
func importGroup(quoted string) int {
	p, _ := strconv.Unquote(quoted)
	first, _, _ := strings.Cut(p, "/")
	if strings.Contains(first, ".") {
		return 1
	}
	return 0
}

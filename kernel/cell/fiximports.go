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

// importLine matches a line of an import block that holds one spec.
var importLine = regexp.MustCompile(`^\t(?:([\w.]+) )?("[^"]*")(?:\s*//.*)?$`)

// sortImportLines sorts each run of spec lines in the import blocks of
// formatted Go source by group (the standard library, then the rest), path
// and name, drops duplicates, and puts a blank line between the groups.
func sortImportLines(src []byte) []byte {
	lines := strings.SplitAfter(string(src), "\n")
	var out []string
	inBlock := false
	var run []string
	flush := func() {
		slices.SortStableFunc(run, func(a, b string) int {
			ma, mb := importLine.FindStringSubmatch(strings.TrimSuffix(a, "\n")), importLine.FindStringSubmatch(strings.TrimSuffix(b, "\n"))
			return cmp.Or(cmp.Compare(importGroup(ma[2]), importGroup(mb[2])), cmp.Compare(ma[2], mb[2]), cmp.Compare(ma[1], mb[1]))
		})
		run = slices.Compact(run)
		for i, l := range run {
			if i > 0 && importGroup(importLine.FindStringSubmatch(strings.TrimSuffix(l, "\n"))[2]) != importGroup(importLine.FindStringSubmatch(strings.TrimSuffix(run[i-1], "\n"))[2]) {
				out = append(out, "\n")
			}
			out = append(out, l)
		}
		run = nil
	}
	for _, l := range lines {
		switch {
		case !inBlock:
			inBlock = l == "import (\n"
		case importLine.MatchString(strings.TrimSuffix(l, "\n")):
			run = append(run, l)
			continue
		default:
			flush()
			inBlock = l != ")\n"
		}
		out = append(out, l)
	}
	flush()
	return []byte(strings.Join(out, ""))
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

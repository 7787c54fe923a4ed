package cell

import (
	"go/ast"
	"go/types"
	"path"
	"strconv"
	"strings"
)

// pkgName guesses a package's name from its import path.
func pkgName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(p))
	}
	return base
}

var knownByName = func() map[string]string {
	m := map[string]string{}
	for _, p := range knownPackages {
		if _, ok := m[pkgName(p)]; !ok {
			m[pkgName(p)] = p
		}
	}
	return m
}()

// autoImports finds names the cell uses as package qualifiers (strings in
// strings.ToUpper) that nothing declares, and returns imports for them:
// the package an earlier cell imported under that name, else a known
// package (standard library, x/sync, x/time/rate, display).
func (s *Session) autoImports(committed []*cellFile, cur *cellFile) []importSpec {
	declared := map[string]bool{}
	for _, f := range committed {
		for k := range f.defines {
			declared[k] = true
		}
	}
	for k := range cur.defines {
		declared[k] = true
	}
	for _, sp := range cur.file.Imports {
		if sp.Name != nil {
			declared[sp.Name.Name] = true
		} else if p, err := strconv.Unquote(sp.Path.Value); err == nil {
			declared[pkgName(p)] = true
		}
	}
	// Earlier cells' imports: the latest wins. A dot import (import . "fmt")
	// goes on into every later cell, as the notebook's one file would have it.
	earlier := map[string]string{}
	dotted := map[string]bool{}
	for _, sp := range cur.file.Imports {
		if p, err := strconv.Unquote(sp.Path.Value); err == nil && sp.Name != nil && sp.Name.Name == "." {
			dotted[p] = true
		}
	}
	var out []importSpec
	for _, cf := range committed {
		for _, sp := range cf.file.Imports {
			p, _ := strconv.Unquote(sp.Path.Value)
			name := pkgName(p)
			if sp.Name != nil {
				if strings.HasPrefix(sp.Name.Name, "_gl_") {
					continue
				}
				name = sp.Name.Name
			}
			if name == "." {
				if !dotted[p] {
					dotted[p] = true
					out = append(out, importSpec{name: ".", path: p})
				}
				continue
			}
			earlier[name] = p
		}
	}
	unresolved := map[string]bool{}
	for _, id := range cur.file.Unresolved {
		unresolved[id.Name] = true
	}
	seen := map[string]bool{}
	ast.Inspect(cur.file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || !unresolved[id.Name] || declared[id.Name] || seen[id.Name] || types.Universe.Lookup(id.Name) != nil {
			return true
		}
		p, ok := earlier[id.Name]
		if !ok {
			p, ok = knownByName[id.Name]
		}
		if ok {
			seen[id.Name] = true
			im := importSpec{path: p}
			if pkgName(p) != id.Name {
				im.name = id.Name
			}
			out = append(out, im)
		}
		return true
	})
	return out
}

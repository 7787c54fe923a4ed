package cell

import "strings"

// A Decl is one top-level import or declaration of a cell.
type Decl struct {
	Src  string // as the cell wrote it, its doc comment included
	Line int    // the cell's line where Src starts, from 1
}

// Decls returns what a cell adds to the session's package scope: its
// top-level imports and declarations (func, method, type, const and var),
// in the cell's order, without its statements. Variables that statements
// declare (x := ...) are left out. Decls does not check the cell: a cell
// that ran is valid Go once the front end has split it.
func Decls(src string) []Decl {
	var out []Decl
	for _, sg := range split(src) {
		switch sg.kind {
		case segImport, segDecl, segVar:
			out = append(out, Decl{Src: src[sg.start:sg.end], Line: 1 + strings.Count(src[:sg.start], "\n")})
		}
	}
	return out
}

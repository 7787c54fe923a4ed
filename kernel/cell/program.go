package cell

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"slices"

	"golang.org/x/tools/imports"
)

// Program returns the session's declarations plus the cell src as the files
// of a Go program for the real toolchain (the %%run and %%race magics): one
// file per cell, whose line directives keep every position in cell
// coordinates ("cell 3:4"), and main.go, which runs the new cell's
// statements. The statements of earlier cells do not run again, so the
// variables they declared start at zero; neither do their main and init
// functions. A cell that declares main (a pasted program) runs as go run
// runs it: statements, init functions, main. The session does not change.
func (s *Session) Program(n int, src string) (map[string][]byte, error) {
	c, err := s.check(n, src)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		"main.go": []byte("package main\n\nfunc main() { " + bodyName + "() }\n"),
	}
	if declaresMain(c.cur.file) {
		// A pasted program: its statements (the var declarations) run
		// first, from an init in a file that sorts before the cells', then
		// its init functions and its main, as go run runs them.
		files["main.go"] = []byte("package main\n")
		files["body.go"] = []byte("package main\n\nfunc init() { " + bodyName + "() }\n")
	}
	for i, cf := range c.files {
		file := cf.file
		if cf != c.cur {
			// An earlier cell's main and init ran with that cell.
			cp := *file
			cp.Decls = slices.DeleteFunc(slices.Clone(file.Decls), func(d ast.Decl) bool {
				fd, ok := d.(*ast.FuncDecl)
				return ok && fd.Recv == nil && (fd.Name.Name == "main" || fd.Name.Name == "init")
			})
			file = &cp
		}
		var buf bytes.Buffer
		if err := format.Node(&buf, s.fset, file); err != nil {
			return nil, fmt.Errorf("cell: program of cell %d: %w", cf.n, err)
		}
		name := fmt.Sprintf("cell%03d.go", i)
		// A cell's imports may serve only statements that do not run here.
		out, err := imports.Process(name, buf.Bytes(), &imports.Options{Comments: true, TabIndent: true, TabWidth: 8})
		if err != nil {
			return nil, fmt.Errorf("cell: program of cell %d: %w", cf.n, err)
		}
		files[name] = out
	}
	return files, nil
}

// declaresMain reports whether a cell's file declares func main.
func declaresMain(f *ast.File) bool {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}

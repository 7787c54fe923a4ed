package cell

import (
	"bytes"
	"fmt"
	"go/format"

	"golang.org/x/tools/imports"
)

// Program returns the session's declarations plus the cell src as the files
// of a Go program for the real toolchain (the %%run and %%race magics): one
// file per cell, whose line directives keep every position in cell
// coordinates ("cell 3:4"), and main.go, which runs the new cell's
// statements. The statements of earlier cells do not run again, so the
// variables they declared start at zero. The session does not change.
func (s *Session) Program(n int, src string) (map[string][]byte, error) {
	c, err := s.check(n, src)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		"main.go": []byte("package main\n\nfunc main() { " + bodyName + "() }\n"),
	}
	for i, cf := range c.files {
		var buf bytes.Buffer
		if err := format.Node(&buf, s.fset, cf.file); err != nil {
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

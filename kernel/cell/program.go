package cell

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"regexp"
	"strconv"

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
		b, err := s.programFile(cf)
		if err != nil {
			return nil, fmt.Errorf("cell: program of cell %d: %w", cf.n, err)
		}
		name := fmt.Sprintf("cell%03d.go", i)
		// A cell's imports may serve only statements that do not run here.
		out, err := imports.Process(name, b, &imports.Options{Comments: true, TabIndent: true, TabWidth: 8})
		if err != nil {
			return nil, fmt.Errorf("cell: program of cell %d: %w", cf.n, err)
		}
		files[name] = out
	}
	return files, nil
}

// programFile prints one cell's file with a //line directive wherever the
// cell coordinates of a line do not follow from the line before it, so that
// race reports and panics point at the cell's lines. The printer marks
// every line whose position in the front end's file differs from its own
// (printer.SourcePos); programFile turns those marks into cell coordinates
// and adds one wherever two lines of the front end's file are not
// neighbours in the cell (a blank line the printer dropped, statements the
// front end gathered). Declarations are printed one by one, without the
// front end's own /*line*/ comments, which the printer would move.
func (s *Session) programFile(cf *cellFile) ([]byte, error) {
	tf := s.fset.File(cf.file.Pos())
	var b bytes.Buffer
	b.WriteString("package main\n")
	cfg := printer.Config{Mode: printer.SourcePos | printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	for _, d := range cf.file.Decls {
		b.WriteString("\n")
		if err := cfg.Fprint(&b, s.fset, withoutDoc(d)); err != nil {
			return nil, err
		}
		b.WriteString("\n")
	}
	var out bytes.Buffer
	cur := 0                    // the line of the front end's file that the next line printed comes from; 0: none
	wantFile, wantLine := "", 0 // where the directives in force put the next line
	for _, line := range bytes.SplitAfter(b.Bytes(), []byte("\n")) {
		if m := sourceLine.FindSubmatch(line); m != nil && string(m[1]) == tf.Name() {
			cur, _ = strconv.Atoi(string(m[2]))
			continue
		}
		if cur > 0 && cur <= tf.LineCount() {
			p := cellPosition(s.fset, tf, cur)
			if p.Filename != wantFile || p.Line != wantLine {
				fmt.Fprintf(&out, "//line %s:%d\n", p.Filename, p.Line)
				wantFile, wantLine = p.Filename, p.Line
			}
			cur++
		}
		out.Write(line)
		wantLine++
	}
	return out.Bytes(), nil
}

// sourceLine matches the directives printer.SourcePos writes.
var sourceLine = regexp.MustCompile(`^//line (.+):(\d+)\n?$`)

// cellPosition returns the position, in cell coordinates, of line l of the
// front end's file tf: that of the end of the line, after any /*line*/
// directive that starts it.
func cellPosition(fset *token.FileSet, tf *token.File, l int) token.Position {
	var end token.Pos
	if l < tf.LineCount() {
		end = tf.LineStart(l+1) - 1
	} else {
		end = token.Pos(tf.Base() + tf.Size())
	}
	return fset.PositionFor(end, true)
}

// withoutDoc returns d without its doc comment: a copy of the declaration
// node when it has one (the session's file stays as it is).
func withoutDoc(d ast.Decl) ast.Decl {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Doc != nil {
			c := *d
			c.Doc = nil
			return &c
		}
	case *ast.GenDecl:
		if d.Doc != nil {
			c := *d
			c.Doc = nil
			return &c
		}
	}
	return d
}

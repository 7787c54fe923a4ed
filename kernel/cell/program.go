package cell

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"regexp"
	"strconv"
)

// Program returns the session's declarations plus the cell src as the files
// of a Go program for the real toolchain (the %%run and %%race magics): one
// file per cell, whose line directives keep every position in cell
// coordinates ("cell 3:4"), and main.go, which runs the new cell's
// statements. The statements of earlier cells do not run again, so the
// session's variables start at their zero value, and their main and init
// functions do not run: Program refuses a cell whose program would read a
// variable that an earlier cell gave a value (in the cell, an init
// function, or a session function or method the program may reach), naming
// the variable and where it was set; it keeps the initializer of a variable
// whose only value is a literal constant from the cell that declares it
// (var x = 5, s := "hi"). A variable declared without a value (var mu
// sync.Mutex) and never written by an earlier cell's run is exact at zero.
// A cell that declares main (a pasted program) runs as go run runs it:
// statements, init functions, main. The session does not change.
func (s *Session) Program(n int, src string) (map[string][]byte, error) {
	c, err := s.check(n, src)
	if err != nil {
		return nil, err
	}
	keep, err := s.sessionValues(c)
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
		b, err := s.programFile(withInits(cf, keep[cf.n]), cf != c.cur)
		if err != nil {
			return nil, fmt.Errorf("cell: program of cell %d: %w", cf.n, err)
		}
		name := fmt.Sprintf("cell%03d.go", i)
		// A cell's imports may serve only statements that do not run here.
		out, err := FixImports(b, false)
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
//
// An earlier cell's main and init functions stay out (earlier says the
// cell is not the one the program runs): they ran with that cell.
func (s *Session) programFile(cf *cellFile, earlier bool) ([]byte, error) {
	tf := s.fset.File(cf.file.Pos())
	var b bytes.Buffer
	b.WriteString("package main\n")
	cfg := printer.Config{Mode: printer.SourcePos | printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	for _, d := range cf.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && earlier && fd.Recv == nil && (fd.Name.Name == "main" || fd.Name.Name == "init") {
			continue
		}
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

// declaresMain reports whether a cell's file declares func main.
func declaresMain(f *ast.File) bool {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}

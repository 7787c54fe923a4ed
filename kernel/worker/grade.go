package worker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"github.com/gopherlab/gopherlab/grader/grade"
	"github.com/gopherlab/gopherlab/grader/report"
	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
	"github.com/gopherlab/gopherlab/kernel/cell"
	"golang.org/x/tools/imports"
)

// gradeCells runs %grade [EXERCISE]: it grades the declarations of the cells
// that ran in this session (the cells holding only imports and
// declarations, as an exercise's solution cells do; a later definition of a
// name replaces an earlier one) against the exercise, with the real
// toolchain and the race detector, and prints the grader's report.
func (w *Worker) gradeCells(ctx context.Context, arg string) error {
	dir, err := exerciseDir(arg)
	if err != nil {
		return err
	}
	s, err := spec.Load(dir)
	if err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	src, err := solutionSource(s.Package, w.ran)
	if err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	fmt.Fprintf(w.pipes.Stdout, "Grading %s: building your cells with the race detector and running the hidden tests (the first build takes a while)...\n", s.Slug)
	sub, err := submission.FromBytes("cells.go", src, s.Package)
	var r *report.Report
	if err != nil {
		r = grade.Broken(s, "your cells", err)
	} else {
		if r, err = grade.Submission(ctx, s, sub, grade.Options{}); err != nil {
			return fmt.Errorf("%%grade: %w", err)
		}
	}
	return report.WriteText(w.pipes.Stdout, r, true)
}

// exerciseDir finds the exercise: the argument (a directory, or a slug
// under ./exercises or ../), or else the working directory, which Jupyter
// sets to the notebook's.
func exerciseDir(arg string) (string, error) {
	arg = strings.TrimSpace(arg)
	var candidates []string
	if arg == "" {
		candidates = []string{"."}
	} else {
		candidates = []string{arg, filepath.Join("exercises", arg), filepath.Join("..", arg)}
	}
	for _, c := range candidates {
		if _, err := os.Stat(filepath.Join(c, spec.File)); err == nil {
			return c, nil
		}
	}
	if arg == "" {
		return "", errors.New("%grade: this notebook's directory holds no exercise (spec.json); name one: %grade e04-parallel-map")
	}
	return "", fmt.Errorf("%%grade: no exercise %q (looked for %s in %s)", arg, spec.File, strings.Join(candidates, ", "))
}

// solutionSource gathers the imports and declarations of the cells that
// hold nothing else into one file of package pkg.
func solutionSource(pkg string, cells []string) ([]byte, error) {
	fset := token.NewFileSet()
	importSpecs := map[string]string{} // spec text by path
	var importOrder []string
	decls := map[string]string{} // declaration text by name
	var declOrder []string
	for _, code := range cells {
		f, err := parser.ParseFile(fset, "", "package p\n"+code, parser.ParseComments)
		if err != nil {
			continue // a cell with statements: an example or a check, not the solution
		}
		src := []byte("package p\n" + code)
		text := func(n ast.Node) string {
			start, end := fset.Position(n.Pos()).Offset, fset.Position(n.End()).Offset
			return string(src[start:end])
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				for _, s := range g.Specs {
					is := s.(*ast.ImportSpec)
					if _, seen := importSpecs[is.Path.Value]; !seen {
						importOrder = append(importOrder, is.Path.Value)
					}
					importSpecs[is.Path.Value] = text(is)
				}
				continue
			}
			body := text(d)
			if doc := docOf(d); doc != nil {
				body = text(doc) + "\n" + body
			}
			for _, name := range cell.DeclNames(d) {
				if _, seen := decls[name]; !seen {
					declOrder = append(declOrder, name)
				}
				decls[name] = body
			}
		}
	}
	if len(decls) == 0 {
		return nil, errors.New("none of the cells that ran declares anything: run your solution cells first")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	if len(importOrder) > 0 {
		b.WriteString("import (\n")
		for _, p := range importOrder {
			b.WriteString("\t" + importSpecs[p] + "\n")
		}
		b.WriteString(")\n\n")
	}
	written := map[string]bool{}
	for _, name := range declOrder {
		if body := decls[name]; !written[body] {
			written[body] = true
			b.WriteString(body + "\n\n")
		}
	}
	// Cells may import what later definitions no longer use, and may use
	// packages the kernel imported for them: goimports settles both.
	out, err := imports.Process("cells.go", b.Bytes(), &imports.Options{Comments: true, TabIndent: true, TabWidth: 8})
	if err != nil {
		return b.Bytes(), nil // the grader reports the error with positions
	}
	return out, nil
}

func docOf(d ast.Decl) *ast.CommentGroup {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return d.Doc
	case *ast.GenDecl:
		return d.Doc
	}
	return nil
}

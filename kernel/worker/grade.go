package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"golang.org/x/tools/imports"
)

// gradeCells runs %grade [EXERCISE]: it grades the declarations of the cells
// that ran in this session (the cells holding only imports and
// declarations, as an exercise's solution cells do; a later definition of a
// name replaces an earlier one) against the exercise's public checks, and
// prints the grader's report. The grader is this binary, run as
// `gopherlab grade --public` in a child process: the worker never opens the
// instructor's hidden tests or solution.
func (w *Worker) gradeCells(ctx context.Context, arg string) error {
	dir, err := exerciseDir(arg)
	if err != nil {
		return err
	}
	var spec struct {
		Package string `json:"package"`
	}
	data, err := os.ReadFile(filepath.Join(dir, specFile))
	if err == nil {
		err = json.Unmarshal(data, &spec)
	}
	if err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	src, err := solutionSource(spec.Package, w.ran)
	if err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	tmp, err := os.MkdirTemp("", "gopherlab-grade-")
	if err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, "cells.go")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("%%grade: find the gopherlab binary: %w", err)
	}
	fmt.Fprintf(w.pipes.Stdout, "Grading %s: building your cells with the race detector and running the public checks (the first build takes a while)...\n", filepath.Base(absDir(dir)))
	cmd := exec.CommandContext(ctx, exe, "grade", "--public", "--exercise", dir, file)
	cmd.Stdout, cmd.Stderr = w.pipes.Stdout, w.pipes.Stderr
	// An interrupt stops the grader as Ctrl-C would, and kills it if it
	// does not stop.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%%grade: gopherlab grade: %w", err)
	}
	return nil
}

// specFile is the file that makes a directory an exercise or a checkpoint.
const specFile = "spec.json"

func absDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// exerciseDir finds the exercise or checkpoint: the argument as given, or a
// slug under ./exercises, ../, ./checkpoints or ../checkpoints; without an
// argument, the working directory, which Jupyter sets to the notebook's.
func exerciseDir(arg string) (string, error) {
	arg = strings.TrimSpace(arg)
	var candidates []string
	if arg == "" {
		candidates = []string{"."}
	} else {
		candidates = []string{arg, filepath.Join("exercises", arg), filepath.Join("..", arg),
			filepath.Join("checkpoints", arg), filepath.Join("..", "checkpoints", arg)}
	}
	for _, c := range candidates {
		if _, err := os.Stat(filepath.Join(c, specFile)); err == nil {
			return c, nil
		}
	}
	if arg == "" {
		return "", errors.New("%grade: this notebook's directory holds no exercise (spec.json); name one: %grade e04-parallel-map")
	}
	return "", fmt.Errorf("%%grade: no exercise %q (looked for %s in %s)", arg, specFile, strings.Join(candidates, ", "))
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

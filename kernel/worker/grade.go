package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// gradeCells runs %grade [EXERCISE]: it grades the declarations of the cells
// that ran in this session that the checks need (see solutionSource; a
// later definition of a name replaces an earlier one) against the
// exercise's public checks, and prints the grader's report, its positions
// in cell coordinates. The grader is this binary, run as
// `gopherlab grade --public` in a child process: the worker never opens the
// instructor's hidden tests or solution.
func (w *Worker) gradeCells(ctx context.Context, arg string) error {
	dir, err := exerciseDir(arg)
	if err != nil {
		return err
	}
	var spec struct {
		Package       string   `json:"package"`
		SolutionFiles []string `json:"solution_files"`
	}
	data, err := os.ReadFile(filepath.Join(dir, specFile))
	if err == nil {
		err = json.Unmarshal(data, &spec)
	}
	if err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	checks, err := checkFiles(dir, spec.SolutionFiles, true)
	if err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	graded, err := solutionSource(spec.Package, w.ran, checks)
	if err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	tmp, err := os.MkdirTemp("", "gopherlab-grade-")
	if err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, "cells.go")
	if err := os.WriteFile(file, graded.src, 0o644); err != nil {
		return fmt.Errorf("%%grade: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("%%grade: find the gopherlab binary: %w", err)
	}
	fmt.Fprintf(w.pipes.Stdout, "Grading %s: building your cells with the race detector and running the public checks (the first build takes a while)...\n", filepath.Base(absDir(dir)))
	// The report keeps its colours (a Jupyter stream renders ANSI); the
	// grader strips every control character that came from the submission.
	cmd := exec.CommandContext(ctx, exe, "grade", "--public", "--color=always", "--exercise", dir, file)
	// The report's positions in cells.go become cells and lines.
	stdout := &cellPositions{w: w.pipes.Stdout, from: graded.from}
	stderr := &cellPositions{w: w.pipes.Stderr, from: graded.from}
	defer stdout.Flush()
	defer stderr.Flush()
	cmd.Stdout, cmd.Stderr = stdout, stderr
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

func docOf(d ast.Decl) *ast.CommentGroup {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return d.Doc
	case *ast.GenDecl:
		return d.Doc
	}
	return nil
}

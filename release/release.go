// Package release writes the learner release of the course: what a class
// receives, without anything only an instructor may see.
//
// A release holds
//
//	DIR/notebooks/*.ipynb                    the lessons (outputs cleared unless --with-outputs)
//	DIR/notebooks/checkpoints/<slug>/        spec.json, public_test.go and given files
//	DIR/exercises/<slug>/                    README.md, <slug>.ipynb, spec.json, public_test.go, given files
//
// and never a reference solution (the spec's solution_files, solution.go),
// a hidden test (hidden_test.go, or any other _test.go but public_test.go),
// testdata/ (the known-wrong and cheating submissions) or instructor notes.
//
// Trust lives in each user's Jupyter signature database, so a release cannot
// carry it: Run prints the `jupyter trust` command that makes the pictures
// of the notebooks show on first open.
package release

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Options says what to release, from where and to where.
type Options struct {
	// Source is the root of the instructor tree (the repository).
	Source string
	// Out is the directory to write; it must not exist or be empty.
	Out string
	// WithOutputs keeps the stored outputs of the notebooks.
	WithOutputs bool
}

// Run is `gopherlab release --out DIR [--with-outputs] [--from REPO]`; it
// reports on standard output.
func Run(ctx context.Context, args []string) error {
	return run(ctx, args, os.Stdout)
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write the learner release into (new or empty)")
	with := fs.Bool("with-outputs", false, "keep the notebooks' stored outputs (default: cleared)")
	from := fs.String("from", "", "the instructor tree (default: the gopherlab repository holding the current directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return fmt.Errorf("release: usage: gopherlab release --out DIR [--with-outputs] [--from REPO]")
	}
	src := *from
	if src == "" {
		var err error
		if src, err = findRepo(); err != nil {
			return err
		}
	}
	files, err := Write(ctx, Options{Source: src, Out: *out, WithOutputs: *with})
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(*out)
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	fmt.Fprintf(stdout, "release: wrote %d files to %s\n", len(files), abs)
	fmt.Fprintf(stdout, "Trust the notebooks for each learner (pictures show on first open):\n\n    %s\n", TrustCommand(abs))
	return nil
}

// TrustCommand is the shell command that trusts every notebook of the
// release written to dir, for the user who runs it.
func TrustCommand(dir string) string {
	q := shellQuote(dir)
	return "jupyter trust " + q + "/notebooks/*.ipynb " + q + "/exercises/*/*.ipynb"
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// findRepo walks up from the current directory to the gopherlab module root.
func findRepo() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("release: %w", err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/gopherlab/gopherlab\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("release: not inside the gopherlab repository; say where it is with --from")
		}
		dir = parent
	}
}

// Write writes the release and returns the paths it wrote, relative to
// opts.Out, sorted.
func Write(ctx context.Context, opts Options) ([]string, error) {
	if err := checkOut(opts.Out); err != nil {
		return nil, err
	}
	plan, err := Plan(opts.Source)
	if err != nil {
		return nil, err
	}
	var wrote []string
	for _, f := range plan {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("release: %w", err)
		}
		data, err := os.ReadFile(filepath.Join(opts.Source, f))
		if err != nil {
			return nil, fmt.Errorf("release: %w", err)
		}
		if strings.HasSuffix(f, ".ipynb") && !opts.WithOutputs {
			if data, err = ClearOutputs(data); err != nil {
				return nil, fmt.Errorf("release: %s: %w", f, err)
			}
		}
		dst := filepath.Join(opts.Out, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, fmt.Errorf("release: %w", err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return nil, fmt.Errorf("release: %w", err)
		}
		wrote = append(wrote, f)
	}
	return wrote, nil
}

// checkOut refuses to write into a directory that already holds files, so a
// release never mixes with what was there (an old release with solutions).
func checkOut(out string) error {
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("release: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("release: %s is not empty; give a new directory", out)
	}
	return nil
}

// Plan lists the files of the instructor tree at src that go into a release,
// as slash-separated paths relative to src, sorted.
func Plan(src string) ([]string, error) {
	var files []string
	lessons, err := filepath.Glob(filepath.Join(src, "notebooks", "*.ipynb"))
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	if len(lessons) == 0 {
		return nil, fmt.Errorf("release: no notebooks in %s", filepath.Join(src, "notebooks"))
	}
	for _, l := range lessons {
		files = append(files, filepath.ToSlash(filepath.Join("notebooks", filepath.Base(l))))
	}
	for _, parent := range []string{"notebooks/checkpoints", "exercises"} {
		dirs, err := os.ReadDir(filepath.Join(src, parent))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("release: %w", err)
		}
		for _, d := range dirs {
			if !d.IsDir() {
				continue
			}
			got, err := gradedDir(filepath.Join(src, parent, d.Name()))
			if err != nil {
				return nil, err
			}
			for _, g := range got {
				files = append(files, parent+"/"+d.Name()+"/"+g)
			}
		}
	}
	sort.Strings(files)
	return files, nil
}

// gradedDir lists the learner files of one exercise or checkpoint directory:
// spec.json, README.md, the notebook, public_test.go and the given .go files.
// Subdirectories (testdata/) and anything else are left out.
func gradedDir(dir string) ([]string, error) {
	solution, err := solutionFiles(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		switch {
		case name == "spec.json" || name == "README.md" || name == "public_test.go":
		case strings.HasSuffix(name, ".ipynb"):
		case strings.HasSuffix(name, "_test.go"): // hidden tests
			continue
		case strings.HasSuffix(name, ".go") && !slices.Contains(solution, name):
			// given code: part of the package, not of the solution
		default:
			continue
		}
		files = append(files, name)
	}
	return files, nil
}

// solutionFiles reads the spec's solution_files (default solution.go).
func solutionFiles(dir string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "spec.json"))
	if err != nil {
		return nil, fmt.Errorf("release: %s is not an exercise: %w", dir, err)
	}
	var s struct {
		SolutionFiles []string `json:"solution_files"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("release: %s: %w", filepath.Join(dir, "spec.json"), err)
	}
	return append(s.SolutionFiles, "solution.go"), nil
}

// ClearOutputs returns a notebook with the outputs and execution counts of
// its code cells removed, written the way nbformat writes it (keys sorted,
// one-space indent).
func ClearOutputs(data []byte) ([]byte, error) {
	var nb map[string]any
	if err := json.Unmarshal(data, &nb); err != nil {
		return nil, fmt.Errorf("not a notebook: %w", err)
	}
	cells, ok := nb["cells"].([]any)
	if !ok {
		return nil, errors.New("not a notebook: no cells")
	}
	for _, c := range cells {
		cell, ok := c.(map[string]any)
		if !ok {
			return nil, errors.New("not a notebook: a cell is not an object")
		}
		if cell["cell_type"] != "code" {
			continue
		}
		cell["outputs"] = []any{}
		cell["execution_count"] = nil
		if md, ok := cell["metadata"].(map[string]any); ok {
			delete(md, "execution")
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

package release

import (
	"bytes"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// repo is the instructor tree these tests release.
const repo = ".."

// secretLines returns, per instructor-only file of the tree at src (the
// reference solutions and hidden tests of every exercise and checkpoint),
// the lines that must never reach a learner: every line of 25 characters or
// more, trimmed, that is not a comment, an import or a declaration (func,
// type, var, const, package, with the fields and values of their blocks:
// those are the public API the learner is given).
//
// What a learner is given is not secret: the lines of the given .go files,
// of public_test.go and of the stub in the notebook's cell tagged
// "solution" (checkStubs makes sure a stub is not the answer). And a line
// that also occurs in the Go distribution's own source ($GOROOT/src), such
// as time.Sleep(10 * time.Millisecond) or stdout, err := cmd.StdoutPipe(),
// is an idiom, not a line of a solution.
//
// The result maps each secret line to where it comes from: the directory
// (exercises/<slug> or notebooks/checkpoints/<slug>) whose instructor files
// hold it, then "#solution" or "#test".
func secretLines(t *testing.T, src string) map[string][]string {
	t.Helper()
	secret := map[string][]string{}
	for _, parent := range []string{"exercises", "notebooks/checkpoints"} {
		dirs, _ := filepath.Glob(filepath.Join(src, parent, "*", "spec.json"))
		for _, specPath := range dirs {
			dir := filepath.Dir(specPath)
			sol, err := solutionFiles(dir)
			if err != nil {
				t.Fatal(err)
			}
			given := givenLines(t, dir, sol)
			files := sol
			tests, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
			for _, f := range tests {
				if filepath.Base(f) != "public_test.go" {
					files = append(files, filepath.Base(f))
				}
			}
			for _, f := range files {
				kind := "#test"
				if slices.Contains(sol, f) {
					kind = "#solution"
				}
				path := filepath.Join(dir, f)
				data, err := os.ReadFile(path)
				if os.IsNotExist(err) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				api := declarationLines(t, path, data)
				rel := parent + "/" + filepath.Base(dir) + kind
				for i, line := range strings.Split(string(data), "\n") {
					if l := strings.TrimSpace(line); !api[i+1] && isSecret(l) && !given[l] && !slices.Contains(secret[l], rel) {
						secret[l] = append(secret[l], rel)
					}
				}
			}
		}
	}
	for l := range goSourceLines(t, secret) {
		delete(secret, l)
	}
	return secret
}

// givenLines returns the lines a learner is given in an exercise or
// checkpoint directory: its given .go files, public_test.go, and the stubs
// in notebook cells tagged "solution".
func givenLines(t *testing.T, dir string, solution []string) map[string]bool {
	t.Helper()
	given := map[string]bool{}
	add := func(text string) {
		for _, l := range strings.Split(text, "\n") {
			given[strings.TrimSpace(l)] = true
		}
	}
	gofiles, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, f := range gofiles {
		base := filepath.Base(f)
		if slices.Contains(solution, base) || (strings.HasSuffix(base, "_test.go") && base != "public_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(string(data))
	}
	for _, stub := range stubs(t, dir) {
		add(stub)
	}
	return given
}

// stubs returns the code a learner is given to fill in: the cells tagged
// "solution" in the notebooks of an exercise directory, and for a checkpoint
// (notebooks/checkpoints/<slug>) the lesson cell just above "%grade <slug>".
func stubs(t *testing.T, dir string) []string {
	t.Helper()
	nbs, _ := filepath.Glob(filepath.Join(dir, "*.ipynb"))
	slug := filepath.Base(dir)
	checkpoint := filepath.Base(filepath.Dir(dir)) == "checkpoints"
	if checkpoint {
		nbs, _ = filepath.Glob(filepath.Join(filepath.Dir(filepath.Dir(dir)), "*.ipynb"))
	}
	var out []string
	for _, p := range nbs {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var nb struct {
			Cells []struct {
				Metadata struct {
					Tags []string `json:"tags"`
				} `json:"metadata"`
				Source json.RawMessage `json:"source"`
			} `json:"cells"`
		}
		if err := json.Unmarshal(data, &nb); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for i, c := range nb.Cells {
			switch {
			case !checkpoint && slices.Contains(c.Metadata.Tags, "solution"):
				out = append(out, sourceText(c.Source))
			case checkpoint && i > 0 && strings.TrimSpace(sourceText(c.Source)) == "%grade "+slug:
				out = append(out, sourceText(nb.Cells[i-1].Source))
			}
		}
	}
	return out
}

// sourceText reads a cell source, a string or a list of lines.
func sourceText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var lines []string
	json.Unmarshal(raw, &lines)
	return strings.Join(lines, "")
}

// A stub the learner is given must not be the answer: at most a quarter of
// its solution's statement lines may already be in it.
func TestStubsAreNotTheSolution(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(repo, "exercises", "*", "spec.json"))
	cps, _ := filepath.Glob(filepath.Join(repo, "notebooks", "checkpoints", "*", "spec.json"))
	for _, specPath := range append(dirs, cps...) {
		dir := filepath.Dir(specPath)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			sol, err := solutionFiles(dir)
			if err != nil {
				t.Fatal(err)
			}
			inStub := map[string]bool{}
			for _, s := range stubs(t, dir) {
				for _, l := range strings.Split(s, "\n") {
					inStub[strings.TrimSpace(l)] = true
				}
			}
			total, shared := 0, 0
			for _, f := range sol {
				path := filepath.Join(dir, f)
				data, err := os.ReadFile(path)
				if os.IsNotExist(err) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				api := declarationLines(t, path, data)
				for i, line := range strings.Split(string(data), "\n") {
					if l := strings.TrimSpace(line); !api[i+1] && isSecret(l) {
						total++
						if inStub[l] {
							shared++
						}
					}
				}
			}
			if shared*4 > total {
				t.Errorf("the stub holds %d of the solution's %d statement lines", shared, total)
			}
		})
	}
}

// declarationLines returns the line numbers of the public API of a Go file:
// the package clause, imports, func signatures (up to the opening brace)
// and whole type, var and const declarations.
func declarationLines(t *testing.T, path string, data []byte) map[int]bool {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, data, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[int]bool{fset.Position(f.Package).Line: true}
	span := func(from, to token.Pos) {
		for l := fset.Position(from).Line; l <= fset.Position(to).Line; l++ {
			lines[l] = true
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			span(d.Pos(), d.End())
		case *ast.FuncDecl:
			end := d.Type.End()
			if d.Body != nil {
				end = d.Body.Lbrace
			}
			span(d.Pos(), end)
		}
	}
	return lines
}

// goSourceLines returns which of the candidate lines occur in $GOROOT/src.
func goSourceLines(t *testing.T, candidates map[string][]string) map[string]bool {
	t.Helper()
	root := filepath.Join(runtime.GOROOT(), "src")
	found := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(data), "\n") {
			l := strings.TrimSpace(line)
			if _, ok := candidates[l]; ok {
				found[l] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the Go source: %v", err)
	}
	return found
}

func isSecret(l string) bool {
	if len(l) < 25 {
		return false
	}
	for _, p := range []string{"//", "/*", "*", "import ", "func ", "type ", "var ", "const ", "package "} {
		if strings.HasPrefix(l, p) {
			return false
		}
	}
	return true
}

// releasedLines returns the trimmed lines of a released file; a notebook is
// read as the text of its cells and outputs, not as JSON.
func releasedLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	if strings.HasSuffix(path, ".ipynb") {
		var nb any
		if err := json.Unmarshal(data, &nb); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				text = append(text, v)
			case []any:
				// nbformat splits sources into lines; join them back.
				var sb strings.Builder
				all := true
				for _, e := range v {
					s, ok := e.(string)
					if !ok {
						all = false
						break
					}
					sb.WriteString(s)
				}
				if all && len(v) > 0 {
					text = append(text, sb.String())
					return
				}
				for _, e := range v {
					walk(e)
				}
			case map[string]any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		walk(nb)
	} else {
		text = []string{string(data)}
	}
	var lines []string
	for _, s := range text {
		for _, l := range strings.Split(s, "\n") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return lines
}

// leaks lists "released-file: line (from dir#kind)" for every secret line
// found in the release at out. An exercise's or checkpoint's released files
// are checked against its own solution and hidden tests; the lesson
// notebooks against every checkpoint's solution: a lesson must not print a
// checkpoint's answer (it may well use the same test idioms).
func leaks(t *testing.T, out string, secret map[string][]string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, path)
		rel = filepath.ToSlash(rel)
		parts := strings.Split(rel, "/")
		owner := func(from string) bool {
			return strings.HasPrefix(from, "notebooks/checkpoints/") && strings.HasSuffix(from, "#solution")
		}
		if parts[0] == "exercises" && len(parts) > 2 {
			own := "exercises/" + parts[1] + "#"
			owner = func(from string) bool { return strings.HasPrefix(from, own) }
		} else if len(parts) > 3 && parts[1] == "checkpoints" {
			own := "notebooks/checkpoints/" + parts[2] + "#"
			owner = func(from string) bool { return strings.HasPrefix(from, own) }
		}
		for _, l := range releasedLines(t, path) {
			for _, from := range secret[l] {
				if owner(from) {
					found = append(found, rel+": "+l+"   (from "+from+")")
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestReleaseHasNoSolutionOrHiddenTestLine(t *testing.T) {
	for _, withOutputs := range []bool{false, true} {
		name := "cleared"
		if withOutputs {
			name = "with-outputs"
		}
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "class")
			if _, err := Write(context.Background(), Options{Source: repo, Out: out, WithOutputs: withOutputs}); err != nil {
				t.Fatal(err)
			}
			secret := secretLines(t, repo)
			if len(secret) < 100 {
				t.Fatalf("only %d secret lines found in the tree: the scan is broken", len(secret))
			}
			for _, l := range leaks(t, out, secret) {
				t.Errorf("leak: %s", l)
			}
		})
	}
}

// The leak check itself fails when a solution line reaches a release.
func TestLeakCheckCatchesAPlantedLine(t *testing.T) {
	src := t.TempDir()
	write(t, src, "notebooks/00-a.ipynb", notebook("fmt.Println(\"a lesson cell of some length\")"))
	write(t, src, "exercises/e1/spec.json", `{"solution_files": ["solution.go"]}`)
	write(t, src, "exercises/e1/solution.go", "package e1\n\nfunc F() int {\n\treturn computeTheSecretAnswer(42) + 1\n}\n")
	write(t, src, "exercises/e1/e1.ipynb", notebook("func F() int {\n\treturn computeTheSecretAnswer(42) + 1\n}"))
	out := filepath.Join(t.TempDir(), "class")
	if _, err := Write(context.Background(), Options{Source: src, Out: out}); err != nil {
		t.Fatal(err)
	}
	got := leaks(t, out, secretLines(t, src))
	if len(got) != 1 || !strings.Contains(got[0], "computeTheSecretAnswer") {
		t.Fatalf("planted leak not reported: %q", got)
	}
}

func TestReleaseLayout(t *testing.T) {
	src := t.TempDir()
	write(t, src, "notebooks/01-a.ipynb", notebook("x := 1"))
	write(t, src, "notebooks/INSTRUCTORS.md", "notes")
	write(t, src, "notebooks/checkpoints/01-sum/spec.json", `{"solution_files": ["sum.go"]}`)
	write(t, src, "notebooks/checkpoints/01-sum/sum.go", "package cp")
	write(t, src, "notebooks/checkpoints/01-sum/hidden_test.go", "package cp")
	write(t, src, "notebooks/checkpoints/01-sum/public_test.go", "package cp")
	write(t, src, "exercises/e1/spec.json", `{}`)
	write(t, src, "exercises/e1/README.md", "task")
	write(t, src, "exercises/e1/e1.ipynb", notebook("y := 2"))
	write(t, src, "exercises/e1/solution.go", "package e1")
	write(t, src, "exercises/e1/given.go", "package e1")
	write(t, src, "exercises/e1/hidden_test.go", "package e1")
	write(t, src, "exercises/e1/other_test.go", "package e1")
	write(t, src, "exercises/e1/testdata/wrong/a.go", "package e1")
	write(t, src, "exercises/e1/NOTES.txt", "instructor notes")
	out := filepath.Join(t.TempDir(), "class")
	got, err := Write(context.Background(), Options{Source: src, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"exercises/e1/README.md", "exercises/e1/e1.ipynb", "exercises/e1/given.go", "exercises/e1/spec.json",
		"notebooks/01-a.ipynb",
		"notebooks/checkpoints/01-sum/public_test.go", "notebooks/checkpoints/01-sum/spec.json",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("released\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var onDisk []string
	filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, path)
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return err
	})
	if strings.Join(onDisk, "\n") != strings.Join(want, "\n") {
		t.Fatalf("on disk\n%s", strings.Join(onDisk, "\n"))
	}
	// A second release into the same directory is refused.
	if _, err := Write(context.Background(), Options{Source: src, Out: out}); err == nil {
		t.Fatal("release into a non-empty directory succeeded")
	}
}

func TestClearOutputs(t *testing.T) {
	nb := `{"cells": [{"cell_type": "code", "execution_count": 3, "id": "a", "metadata": {"execution": {"x": 1}, "tags": ["t"]},
	"outputs": [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}], "source": ["fmt.Println(\"<hi>\")"]},
	{"cell_type": "markdown", "id": "b", "metadata": {}, "source": ["# T"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`
	got, err := ClearOutputs([]byte(nb))
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Cells []map[string]any `json:"cells"`
	}
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	c := back.Cells[0]
	if len(c["outputs"].([]any)) != 0 || c["execution_count"] != nil {
		t.Fatalf("outputs kept: %s", got)
	}
	md := c["metadata"].(map[string]any)
	if _, ok := md["execution"]; ok || md["tags"] == nil {
		t.Fatalf("metadata: %v", md)
	}
	if !bytes.Contains(got, []byte(`fmt.Println(\"<hi>\")`)) {
		t.Fatalf("source changed or HTML-escaped: %s", got)
	}
	if _, err := ClearOutputs([]byte("not json")); err == nil {
		t.Fatal("a broken notebook was accepted")
	}
}

func TestRunPrintsTrustCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "my class")
	var buf bytes.Buffer
	if err := run(context.Background(), []string{"--out", out, "--from", repo}, &buf); err != nil {
		t.Fatal(err)
	}
	want := "jupyter trust '" + out + "'/notebooks/*.ipynb '" + out + "'/exercises/*/*.ipynb"
	if !strings.Contains(buf.String(), want) {
		t.Fatalf("output %q lacks %q", buf.String(), want)
	}
	if err := run(context.Background(), nil, &buf); err == nil {
		t.Fatal("release without --out succeeded")
	}
}

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func notebook(source string) string {
	b, _ := json.Marshal(map[string]any{
		"cells":    []any{map[string]any{"cell_type": "code", "id": "c", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil, "source": source}},
		"metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5,
	})
	return string(b)
}

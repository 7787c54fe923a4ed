// Package submission reads one learner submission (a .go file, a directory of
// .go files or a Jupyter notebook) and turns it into the Go files of the
// learner's package.
package submission

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Kinds of submissions.
const (
	KindFile     = "go"
	KindDir      = "dir"
	KindNotebook = "ipynb"
)

// Submission is the learner's package, ready to be copied into a build directory.
type Submission struct {
	Name  string // display name: the base name of the path
	Path  string // where it was read from ("" for in-memory submissions)
	Kind  string
	Files []File
	// Cells maps lines of the generated notebook file back to cells; nil unless Kind is KindNotebook.
	Cells *SourceMap
	// Notes are remarks for the learner (e.g. "removed your test file x_test.go").
	Notes []string
}

// File is one non-test Go file of the learner's package.
type File struct {
	Name string
	Data []byte
}

// Load reads the submission at path. pkg is the package the exercise expects.
func Load(path, pkg string) (*Submission, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	if info.IsDir() {
		return loadDir(path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	s, err := FromBytes(filepath.Base(path), data, pkg)
	if err != nil {
		return nil, err
	}
	s.Path = path
	return s, nil
}

// FromBytes builds a submission from one file's content; name decides its kind (.go or .ipynb).
func FromBytes(name string, data []byte, pkg string) (*Submission, error) {
	switch {
	case strings.HasSuffix(name, ".ipynb"):
		if len(data) > 4*MaxFileSize {
			return nil, fmt.Errorf("submission: %s: larger than %d bytes", name, 4*MaxFileSize)
		}
		file, cells, err := Extract(data, pkg)
		if err != nil {
			return nil, fmt.Errorf("submission: %s: %w", name, err)
		}
		return &Submission{Name: name, Kind: KindNotebook, Files: []File{{Name: NotebookFile, Data: file}}, Cells: cells}, nil
	case strings.HasSuffix(name, ".go"):
		s := &Submission{Name: name, Kind: KindFile}
		fname := name
		if strings.HasSuffix(fname, "_test.go") {
			fname = strings.TrimSuffix(fname, "_test.go") + ".go"
			s.Notes = append(s.Notes, fmt.Sprintf("%s was renamed %s: test files are replaced by the hidden tests", name, fname))
		}
		if err := checkGo(name, data); err != nil {
			return nil, err
		}
		s.Files = []File{{Name: fname, Data: data}}
		return s, nil
	default:
		return nil, fmt.Errorf("submission: %s: not a .go file, a directory or a .ipynb notebook", name)
	}
}

func loadDir(dir string) (*Submission, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	s := &Submission{Name: filepath.Base(dir), Path: dir, Kind: KindDir}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") {
			continue
		}
		if strings.HasSuffix(name, "_test.go") {
			s.Notes = append(s.Notes, fmt.Sprintf("ignored your test file %s: the hidden tests replace it", name))
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("submission: %w", err)
		}
		if err := checkGo(name, data); err != nil {
			return nil, err
		}
		s.Files = append(s.Files, File{Name: name, Data: data})
	}
	if len(s.Files) == 0 {
		return nil, fmt.Errorf("submission: %s: no Go files", dir)
	}
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Name < s.Files[j].Name })
	return s, nil
}

// MaxFileSize bounds one submitted file.
const MaxFileSize = 4 << 20

// checkGo rejects content that is plainly not Go source (binary data, a notebook renamed .go).
// Syntax errors are left to the compiler, which reports them as build errors.
func checkGo(name string, data []byte) error {
	if len(data) > MaxFileSize {
		return fmt.Errorf("submission: %s: larger than %d bytes", name, MaxFileSize)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return fmt.Errorf("submission: %s: binary data, not Go source", name)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), name, data, parser.PackageClauseOnly); err != nil {
		return fmt.Errorf("submission: %s is not Go source: %w", name, err)
	}
	return nil
}

// Locate turns a position in a learner file into the learner's terms:
// "solution.go:12" for Go files, "cell 3, line 4" for notebooks.
func (s *Submission) Locate(file string, line int) string {
	if s.Kind == KindNotebook && file == NotebookFile && s.Cells != nil {
		if c, l, ok := s.Cells.Locate(line); ok {
			return fmt.Sprintf("cell %d, line %d", c, l)
		}
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// Package submission reads one learner submission (a .go file, a directory of
// .go files or a Jupyter notebook) and turns it into the Go files of the
// learner's package.
package submission

import (
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"
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
// Symbolic links are never followed: a link is refused, not read.
func Load(path, pkg string) (*Submission, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	if info.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("submission: %s is a symbolic link; submit the file itself", filepath.Base(path))
	}
	if info.IsDir() {
		return loadDir(path)
	}
	data, err := readRegular(path, 4*MaxFileSize)
	if err != nil {
		return nil, err
	}
	s, err := FromBytes(filepath.Base(path), data, pkg)
	if err != nil {
		return nil, err
	}
	s.Path = path
	return s, nil
}

// readRegular reads a regular file, refusing symbolic links (O_NOFOLLOW),
// devices and pipes, and files over limit bytes.
func readRegular(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("submission: %s is a symbolic link; submit the file itself", filepath.Base(path))
		}
		return nil, fmt.Errorf("submission: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("submission: %s is not a regular file", filepath.Base(path))
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("submission: %s is %s; the limit is %s", filepath.Base(path), Size(info.Size()), Size(limit))
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("submission: %s is larger than %s", filepath.Base(path), Size(limit))
	}
	return data, nil
}

// Size writes a byte count for people: "512 bytes", "12 KB", "3.5 MB".
func Size(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	case n < 1<<30:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MB"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<30)), ".0") + " GB"
}

// FromBytes builds a submission from one file's content; name decides its kind (.go or .ipynb).
func FromBytes(name string, data []byte, pkg string) (*Submission, error) {
	switch {
	case strings.HasSuffix(name, ".ipynb"):
		if len(data) > 4*MaxFileSize {
			return nil, fmt.Errorf("submission: %s is %s; the limit for a notebook is %s", name, Size(int64(len(data))), Size(4*MaxFileSize))
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, fmt.Errorf("submission: %s: the file is empty", name)
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
		if e.Type()&os.ModeSymlink != 0 {
			return nil, fmt.Errorf("submission: %s is a symbolic link; submit the file itself", name)
		}
		data, err := readRegular(filepath.Join(dir, name), MaxFileSize)
		if err != nil {
			return nil, err
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

// checkGo rejects content that is plainly not Go source (empty, binary
// data, another encoding, a notebook renamed .go) with a message a learner
// understands. Syntax errors are left to the compiler, which reports them as
// build errors.
func checkGo(name string, data []byte) error {
	if len(data) > MaxFileSize {
		return fmt.Errorf("submission: %s is %s; the limit for a Go file is %s", name, Size(int64(len(data))), Size(MaxFileSize))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("submission: %s: the file is empty", name)
	}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) || !utf8.Valid(data) {
		return fmt.Errorf("submission: %s is not UTF-8 text: save the file as UTF-8", name)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return fmt.Errorf("submission: %s holds binary data, not Go code", name)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), name, data, parser.PackageClauseOnly); err != nil {
		first := firstCodeLine(data)
		if strings.HasPrefix(first, "{") {
			return fmt.Errorf("submission: %s is not Go code (line 1 starts with %q): is it a notebook? Submit it as .ipynb", name, clip(first, 20))
		}
		return fmt.Errorf("submission: %s is not Go code (its first line is %q; a Go file starts with \"package\"): %v", name, clip(first, 40), err)
	}
	return nil
}

func firstCodeLine(data []byte) string {
	for _, l := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(l); t != "" {
			return t
		}
	}
	return ""
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Locate turns a position in a learner file into the learner's terms:
// "solution.go:12" for Go files, "cell 3 (your solution), line 4" for notebooks.
func (s *Submission) Locate(file string, line int) string {
	if s.Kind == KindNotebook && file == NotebookFile && s.Cells != nil {
		if c, l, ok := s.Cells.Locate(line); ok {
			return fmt.Sprintf("cell %d (your solution), line %d", c, l)
		}
	}
	return fmt.Sprintf("%s:%d", file, line)
}

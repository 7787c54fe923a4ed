package display

import (
	"embed"
	"io/fs"
	"slices"
	"strings"
)

// sourceFiles is this package's own source, for compiled cells.
//
//go:embed *.go
var sourceFiles embed.FS

// SourceFS returns the Go source files of this package (without its tests),
// so that gopherlab can build compiled cells (%%run, %%race) that import
// display offline, against the display the kernel itself runs.
func SourceFS() fs.FS { return noTests{sourceFiles} }

// noTests hides the _test.go files of an embedded directory.
type noTests struct{ fsys embed.FS }

func (f noTests) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, "_test.go") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return f.fsys.Open(name)
}

func (f noTests) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := f.fsys.ReadDir(name)
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return strings.HasSuffix(e.Name(), "_test.go") }), err
}

package largestfile

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestErrors(t *testing.T) {
	if _, _, err := LargestFile(filepath.Join(t.TempDir(), "missing"), 2, cpStatSize); err == nil {
		t.Error("a missing root: no error")
	}
	root, _ := cpTree(t, 5, 6, 7)
	boom := errors.New("boom")
	_, _, err := LargestFile(root, 2, func(path string) (int64, error) {
		if strings.HasSuffix(path, "f01.txt") {
			return 0, boom
		}
		return cpStatSize(path)
	})
	if !errors.Is(err, boom) {
		t.Errorf("size failed on one file: error %v, want it", err)
	}
}

func TestEmptyTree(t *testing.T) {
	path, size, err := LargestFile(t.TempDir(), 3, cpStatSize)
	if path != "" || size != 0 || err != nil {
		t.Errorf("an empty tree: %q, %d, %v; want \"\", 0, nil", path, size, err)
	}
}

func TestManyFiles(t *testing.T) {
	sizes := make([]int, 60)
	for i := range sizes {
		sizes[i] = (i * 37) % 101
	}
	root, paths := cpTree(t, sizes...)
	path, size, err := LargestFile(root, 5, cpStatSize)
	if err != nil || size != 100 || path != paths[30] {
		t.Errorf("LargestFile = %q, %d, %v; want %q, 100, nil", path, size, err, paths[30])
	}
}

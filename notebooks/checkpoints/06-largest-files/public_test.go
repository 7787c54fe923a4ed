package largestfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// cpTree writes files with the given sizes under a fresh directory, spread
// over three subdirectories, and returns the directory and the file paths.
func cpTree(t *testing.T, sizes ...int) (string, []string) {
	t.Helper()
	root := t.TempDir()
	var paths []string
	for i, n := range sizes {
		dir := filepath.Join(root, fmt.Sprintf("d%d", i%3))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("f%02d.txt", i))
		if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return root, paths
}

func cpStatSize(path string) (int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

func TestFindsLargest(t *testing.T) {
	root, paths := cpTree(t, 10, 300, 25, 7, 299, 0, 42)
	path, size, err := LargestFile(root, 3, cpStatSize)
	if err != nil || path != paths[1] || size != 300 {
		t.Errorf("LargestFile = %q, %d, %v; want %q, 300, nil", path, size, err, paths[1])
	}
}

// With 8 files whose size takes a second to find and 4 workers, 4 calls run
// at once (on the fake clock of synctest).
func TestUsesWorkers(t *testing.T) {
	root, _ := cpTree(t, 1, 2, 3, 4, 5, 6, 7, 8)
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		now, peak := 0, 0
		slow := func(path string) (int64, error) {
			mu.Lock()
			now++
			peak = max(peak, now)
			mu.Unlock()
			time.Sleep(time.Second)
			mu.Lock()
			now--
			mu.Unlock()
			return cpStatSize(path)
		}
		start := time.Now()
		_, size, err := LargestFile(root, 4, slow)
		if err != nil || size != 8 {
			t.Errorf("LargestFile: size %d, error %v; want 8, nil", size, err)
		}
		if peak != 4 {
			t.Errorf("%d calls of size ran at once, want 4 (the number of workers)", peak)
		}
		if took := time.Since(start); took != 2*time.Second {
			t.Errorf("8 one-second calls with 4 workers took %v, want 2s", took)
		}
	})
}

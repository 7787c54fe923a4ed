package largestfile

import (
	"io/fs"
	"path/filepath"
	"sync"
)

// LargestFile returns the path and size of the largest regular file under
// root, calling size on the files with a pool of workers goroutines.
func LargestFile(root string, workers int, size func(path string) (int64, error)) (string, int64, error) {
	paths := make(chan string)
	var mu sync.Mutex
	var bestPath string
	var bestSize int64
	var firstErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for path := range paths {
				n, err := size(path)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil && (n > bestSize || bestPath == "") {
					bestPath, bestSize = path, n
				}
				mu.Unlock()
			}
		})
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		paths <- path
		return nil
	})
	close(paths)
	wg.Wait()
	if err == nil {
		err = firstErr
	}
	return bestPath, bestSize, err
}

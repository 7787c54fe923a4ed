package largestfile

import (
	"cmp"
	"io/fs"
	"path/filepath"
	"sync"
)

// LargestFile returns the path and size of the largest regular file under
// root, calling size on the files with a pool of workers goroutines.
func LargestFile(root string, workers int, size func(path string) (int64, error)) (string, int64, error) {
	files := make(chan string)
	var (
		mu      sync.Mutex
		top     string
		topSize int64
		sizeErr error
		wg      sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for f := range files {
				n, err := size(f)
				mu.Lock()
				switch {
				case err != nil:
					sizeErr = cmp.Or(sizeErr, err) // keep the first
				case top == "" || n > topSize:
					top, topSize = f, n
				}
				mu.Unlock()
			}
		})
	}
	walkErr := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			files <- p
		}
		return err
	})
	close(files)
	wg.Wait()
	return top, topSize, cmp.Or(walkErr, sizeErr)
}

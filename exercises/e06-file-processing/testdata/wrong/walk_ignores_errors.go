// want: fail
// want-test: TestErrorStopsWalk

// Remembers the first error but keeps walking and reading every other file.
package files

import (
	"cmp"
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"
)

// walk calls visit with the slash-separated path, relative to root, of every
// regular file under root, in lexical order. It stops at the first error from
// visit, or when ctx is done.
func walk(ctx context.Context, root string, visit func(rel string) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		return visit(filepath.ToSlash(rel))
	})
}

func sortByPath(stats []FileStat) []FileStat {
	slices.SortFunc(stats, func(a, b FileStat) int { return cmp.Compare(a.Path, b.Path) })
	return stats
}

// ProcessSequential reads the files one after another.
func ProcessSequential(root string) ([]FileStat, error) {
	var stats []FileStat
	var firstErr error
	walk(context.Background(), root, func(rel string) error {
		st, err := statFile(root, rel)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return nil
		}
		stats = append(stats, st)
		return nil
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return sortByPath(stats), nil
}

// ProcessPerFile starts one goroutine per file as the walk finds it. The
// number of files open at once is not limited.
func ProcessPerFile(ctx context.Context, root string) ([]FileStat, error) {
	return process(ctx, root, -1)
}

// ProcessBounded reads the files with at most workers goroutines (at least 1),
// so at most workers files are open at once. The first error cancels the walk
// and the files not yet started.
func ProcessBounded(ctx context.Context, root string, workers int) ([]FileStat, error) {
	return process(ctx, root, max(1, workers))
}

// process runs statFile for every file in an errgroup with the given limit
// (negative: no limit). Results are collected under a mutex and sorted.
func process(ctx context.Context, root string, limit int) ([]FileStat, error) {
	var g errgroup.Group
	gctx := ctx
	g.SetLimit(limit) // g.Go blocks while limit goroutines are running
	var (
		mu    sync.Mutex
		stats []FileStat
	)
	walkErr := walk(gctx, root, func(rel string) error {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err // another file failed while this one waited
			}
			st, err := statFile(root, rel)
			if err != nil {
				return err
			}
			mu.Lock()
			stats = append(stats, st)
			mu.Unlock()
			return nil
		})
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if walkErr != nil {
		return nil, walkErr
	}
	return sortByPath(stats), nil
}

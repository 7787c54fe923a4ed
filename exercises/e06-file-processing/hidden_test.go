package files

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// openProbe replaces Open for one test and tracks the files open at once.
type openProbe struct {
	mu      sync.Mutex
	open    int
	peak    int
	opened  []string
	failAt  string        // a file name that fails to open
	hold    time.Duration // how long each open takes
	failErr error
}

type probedFile struct {
	io.ReadCloser
	p    *openProbe
	once sync.Once
}

func (f *probedFile) Close() error {
	f.once.Do(func() {
		f.p.mu.Lock()
		f.p.open--
		f.p.mu.Unlock()
	})
	return f.ReadCloser.Close()
}

func installProbe(t *testing.T, p *openProbe) {
	t.Helper()
	old := Open
	Open = func(name string) (io.ReadCloser, error) {
		p.mu.Lock()
		p.opened = append(p.opened, name)
		fail := p.failAt != "" && strings.HasSuffix(filepath.ToSlash(name), p.failAt)
		if !fail {
			p.open++
			p.peak = max(p.peak, p.open)
		}
		p.mu.Unlock()
		if fail {
			return nil, p.failErr
		}
		time.Sleep(p.hold)
		f, err := os.Open(name)
		if err != nil {
			p.mu.Lock()
			p.open--
			p.mu.Unlock()
			return nil, err
		}
		return &probedFile{ReadCloser: f, p: p}, nil
	}
	t.Cleanup(func() { Open = old })
}

func TestBoundedOpenFiles(t *testing.T) {
	root, want := makeTree(t, 200)
	for _, workers := range []int{1, 3, 8} {
		p := &openProbe{hold: time.Millisecond}
		installProbe(t, p)
		got, err := ProcessBounded(t.Context(), root, workers)
		if err != nil {
			t.Fatalf("ProcessBounded(%d workers): %v", workers, err)
		}
		if d := diff(got, want); d != "" {
			t.Errorf("ProcessBounded(%d workers): %s", workers, d)
		}
		if p.peak > workers {
			t.Errorf("ProcessBounded(%d workers) had %d files open at once, want ≤ %d", workers, p.peak, workers)
		}
		if p.open != 0 {
			t.Errorf("ProcessBounded(%d workers) left %d files open", workers, p.open)
		}
	}
}

// waitGoroutines polls until the goroutine count is back to base.
func waitGoroutines(base int) int {
	var n int
	for range 100 {
		if n = runtime.NumGoroutine(); n <= base {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
	return n
}

// TestErrorStopsWalk: the 101st file cannot be opened. The error comes back,
// the walk stops (only a few more files are opened), and nothing leaks.
func TestErrorStopsWalk(t *testing.T) {
	root, _ := makeTree(t, 2000)
	errDenied := errors.New("permission denied (injected)")
	// Files are walked in lexical order: d00/f0000, d00/f0020, ... The 101st
	// file of the walk:
	var order []string
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			order = append(order, filepath.ToSlash(path))
		}
		return nil
	})
	failAt := order[100][len(root)+1:]

	base := runtime.NumGoroutine()
	p := &openProbe{failAt: failAt, failErr: errDenied, hold: 100 * time.Microsecond}
	installProbe(t, p)
	_, err := ProcessSequential(root)
	if !errors.Is(err, errDenied) {
		t.Errorf("ProcessSequential: error = %v, want one wrapping the open error", err)
	}
	if n := len(p.opened); n != 101 {
		t.Errorf("ProcessSequential opened %d files, want 101 (stop at the failing one)", n)
	}

	const workers = 4
	p = &openProbe{failAt: failAt, failErr: errDenied, hold: 100 * time.Microsecond}
	installProbe(t, p)
	_, err = ProcessBounded(t.Context(), root, workers)
	if !errors.Is(err, errDenied) {
		t.Errorf("ProcessBounded: error = %v, want one wrapping the open error", err)
	}
	// A walk that goes on opens all 2000 files; allow generous slack for a
	// busy machine, where the other workers keep going a little while the
	// failing one waits to report its error.
	if n, limit := len(p.opened), 101+200; n > limit {
		t.Errorf("ProcessBounded(%d workers) opened %d files, want ≤ %d: stop the walk at the first error", workers, n, limit)
	}

	p = &openProbe{failAt: failAt, failErr: errDenied}
	installProbe(t, p)
	if _, err = ProcessPerFile(t.Context(), root); !errors.Is(err, errDenied) {
		t.Errorf("ProcessPerFile: error = %v, want one wrapping the open error", err)
	}
	if n := waitGoroutines(base); n > base {
		buf := make([]byte, 1<<16)
		t.Errorf("leak: %d goroutines still running after an error (was %d before)\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}

func TestCancelled(t *testing.T) {
	root, _ := makeTree(t, 50)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ProcessBounded(ctx, root, 4); !errors.Is(err, context.Canceled) {
		t.Errorf("ProcessBounded with a cancelled context = %v, want context.Canceled", err)
	}
	if _, err := ProcessPerFile(ctx, root); !errors.Is(err, context.Canceled) {
		t.Errorf("ProcessPerFile with a cancelled context = %v, want context.Canceled", err)
	}
}

// want: fail
// want-test: TestIOBound

// Runs the tasks one after another in the caller's goroutine.
package workers

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Result describes one run.
type Result struct {
	Wall         time.Duration // from the first start to the last finish
	PeakInFlight int           // most jobs running at the same moment
	AllocBytes   uint64        // Go heap bytes allocated by this process during the run
	MaxRSSKB     uint64        // peak resident memory in KiB (this process, or the largest child)
}

// inFlight counts running jobs and remembers the peak.
type inFlight struct {
	mu        sync.Mutex
	now, peak int
}

func (c *inFlight) start() {
	c.mu.Lock()
	c.now++
	c.peak = max(c.peak, c.now)
	c.mu.Unlock()
}

func (c *inFlight) done() {
	c.mu.Lock()
	c.now--
	c.mu.Unlock()
}

// pool runs job(i) for i in [0, n) on at most workers goroutines (at least
// one) and returns when all have finished.
func pool(n, workers int, job func(i int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(workers, n)) {
		wg.Go(func() {
			for i := range jobs {
				job(i)
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// RunGoroutines runs every task on a pool of workers goroutines.
func RunGoroutines(tasks []func(), workers int) Result {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var c inFlight

	start := time.Now()
	for _, task := range tasks {
		c.start()
		task()
		c.done()
	}
	wall := time.Since(start) // after the pool has waited for every task

	runtime.ReadMemStats(&after)
	return Result{
		Wall:         wall,
		PeakInFlight: c.peak,
		AllocBytes:   after.TotalAlloc - before.TotalAlloc,
		MaxRSSKB:     selfMaxRSSKB(),
	}
}

// RunProcesses runs every command line in argv as a child process, at most
// workers at a time. Cancelling ctx kills the running children. The error
// joins the failures of every command that did not succeed.
func RunProcesses(ctx context.Context, argv [][]string, workers int) (Result, error) {
	for _, args := range argv {
		if len(args) == 0 {
			return Result{}, errors.New("RunProcesses: empty command line")
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var (
		c      inFlight
		mu     sync.Mutex
		maxRSS uint64
		errs   = make([]error, len(argv))
	)

	start := time.Now()
	pool(len(argv), workers, func(i int) {
		if ctx.Err() != nil {
			errs[i] = ctx.Err()
			return
		}
		c.start()
		defer c.done()
		cmd := exec.CommandContext(ctx, argv[i][0], argv[i][1:]...)
		if err := cmd.Run(); err != nil {
			errs[i] = fmt.Errorf("%s: %w", strings.Join(argv[i], " "), err)
		}
		mu.Lock()
		maxRSS = max(maxRSS, childMaxRSSKB(cmd.ProcessState))
		mu.Unlock()
	})
	wall := time.Since(start)

	runtime.ReadMemStats(&after)
	res := Result{
		Wall:         wall,
		PeakInFlight: c.peak,
		AllocBytes:   after.TotalAlloc - before.TotalAlloc,
		MaxRSSKB:     maxRSS,
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, errors.Join(errs...)
}

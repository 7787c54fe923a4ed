// want: panic
// want-test: TestPanicBecomesError

// The recover sits in RunAll's goroutine, but the panic happens in a task
// goroutine: recover only works in the goroutine that panicked, so the test binary crashes.
package errhandling

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Task is one unit of work. It should return promptly once ctx is done.
type Task func(ctx context.Context) (int, error)

// TaskResult is the outcome of one task.
type TaskResult struct {
	Value int
	Err   error
}

// ErrPanic is wrapped by the error of a task that panicked.
var ErrPanic = errors.New("task panicked")

func RunAll(ctx context.Context, tasks []Task, perTask time.Duration) (results []TaskResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = ErrPanic
		}
	}()
	results = make([]TaskResult, len(tasks))
	var wg sync.WaitGroup
	for i, task := range tasks {
		wg.Go(func() {
			tctx, cancel := context.WithTimeout(ctx, perTask)
			defer cancel()
			v, err := task(tctx)
			results[i] = TaskResult{v, err}
		})
	}
	wg.Wait()
	var errs []error
	for _, r := range results {
		errs = append(errs, r.Err)
	}
	return results, errors.Join(errs...)
}

func FirstSuccess(ctx context.Context, tasks []Task) (int, error) {
	res, err := RunAll(ctx, tasks, time.Hour)
	for _, r := range res {
		if r.Err == nil {
			return r.Value, nil
		}
	}
	return 0, err
}

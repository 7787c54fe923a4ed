// want: fail
// want-test: TestFirstSuccessSkipsFailures

// FirstSuccess returns whatever finishes first, even a failure.
package errhandling

import (
	"context"
	"errors"
	"fmt"
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

// call runs task and turns a panic into an error wrapping ErrPanic.
func call(ctx context.Context, task Task) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, r)
		}
	}()
	return task(ctx)
}

// RunAll runs every task concurrently and waits for all of them. Each task
// gets its own deadline of perTask (none if perTask <= 0). results[i] belongs
// to tasks[i]. The returned error joins the errors of the failed tasks, in
// task order, and is nil when all succeeded. A task that ignores its context
// keeps RunAll waiting: tasks must honour ctx.
func RunAll(ctx context.Context, tasks []Task, perTask time.Duration) ([]TaskResult, error) {
	results := make([]TaskResult, len(tasks))
	var wg sync.WaitGroup
	for i, task := range tasks {
		wg.Go(func() {
			tctx, cancel := ctx, context.CancelFunc(func() {})
			if perTask > 0 {
				tctx, cancel = context.WithTimeout(ctx, perTask)
			}
			defer cancel()
			v, err := call(tctx, task)
			results[i] = TaskResult{v, err}
		})
	}
	wg.Wait()

	var errs []error
	for i, r := range results {
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("task %d: %w", i, r.Err))
		}
	}
	return results, errors.Join(errs...)
}

func FirstSuccess(ctx context.Context, tasks []Task) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan TaskResult, len(tasks))
	for _, task := range tasks {
		go func() {
			v, err := call(ctx, task)
			results <- TaskResult{v, err}
		}()
	}
	r := <-results
	return r.Value, r.Err
}

// want: fail
// want-test: TestPerTaskTimeout

// perTask is never applied: every task gets the caller's context, so a slow
// task runs to the end instead of timing out.
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
			v, err := call(ctx, task)
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

// FirstSuccess runs every task concurrently and returns the value of the first
// one that succeeds, cancelling the others. If every task fails, the error
// joins all their errors. FirstSuccess returns only after all tasks have returned.
func FirstSuccess(ctx context.Context, tasks []Task) (int, error) {
	if len(tasks) == 0 {
		return 0, errors.New("FirstSuccess: no tasks")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	results := make(chan TaskResult, len(tasks)) // buffered: no sender ever blocks
	for _, task := range tasks {
		go func() {
			v, err := call(ctx, task)
			results <- TaskResult{v, err}
		}()
	}

	var (
		errs   []error
		winner *TaskResult
	)
	for range tasks {
		r := <-results
		switch {
		case r.Err == nil && winner == nil:
			winner = &r
			cancel() // the losers see ctx.Done(); keep receiving until they return
		case r.Err != nil:
			errs = append(errs, r.Err)
		}
	}
	if winner != nil {
		return winner.Value, nil
	}
	return 0, errors.Join(errs...)
}

package cp05gatherlimit

import (
	"errors"
	"fmt"
	"sync"
)

// GatherLimit runs every task, at most limit of them at the same time, and
// waits for all of them. It returns nil if all succeeded, or every failure
// joined; a task that panics counts as a failure that mentions the panic.
func GatherLimit(limit int, tasks ...func() error) error {
	failures := make([]error, len(tasks))
	slots := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := range tasks {
		slots <- struct{}{} // wait for a free slot
		wg.Go(func() {
			defer func() { <-slots }()
			defer func() {
				if r := recover(); r != nil {
					failures[i] = fmt.Errorf("task %d panicked: %v", i, r)
				}
			}()
			failures[i] = tasks[i]()
		})
	}
	wg.Wait()
	return errors.Join(failures...)
}

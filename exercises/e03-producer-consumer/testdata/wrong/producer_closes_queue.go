// want: race
// want-test: TestManyProducers

// Each producer closes the shared queue when it is done: the race detector
// reports the close racing with other sends, then the second close (or
// a send after the first) panics.
package prodcons

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"sync"
)

// ProduceConsume starts producers goroutines; producer p produces the items
// gen(p, 0), ..., gen(p, perProducer-1) and puts them on a queue that holds
// at most buf items. consumers goroutines (at least 1) take items off the queue
// and compute f(item). The result maps every item to f(item). Cancelling ctx
// stops everyone; the error is then ctx.Err().
//
// Only one goroutine closes the queue: the one that waits for all producers.
func ProduceConsume(ctx context.Context, producers, consumers, perProducer, buf int,
	gen func(p, k int) int, f func(int) int) (map[int]int, error) {
	queue := make(chan int, max(0, buf))

	var producing sync.WaitGroup
	for p := range producers {
		producing.Go(func() {
			for k := range perProducer {
				if ctx.Err() != nil {
					return // select picks at random when both cases are ready
				}
				select {
				case queue <- gen(p, k):
				case <-ctx.Done():
					return
				}
			}
			close(queue)
		})
	}

	var (
		mu        sync.Mutex
		results   = make(map[int]int, producers*perProducer)
		consuming sync.WaitGroup
	)
	for range max(1, consumers) {
		consuming.Go(func() {
			for {
				select {
				case item, ok := <-queue:
					if !ok || ctx.Err() != nil {
						return
					}
					r := f(item)
					mu.Lock()
					results[item] = r
					mu.Unlock()
				case <-ctx.Done():
					return
				}
			}
		})
	}
	consuming.Wait()
	producing.Wait() // so no producer outlives the call, even after a cancel
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return results, nil
}

// Request is one line the parent writes to the child's standard input.
type Request struct {
	N int `json:"n"`
}

// Response is one line the child writes back, in the same order.
type Response struct {
	N      int `json:"n"`
	Result int `json:"result"`
}

// ProduceConsumeProc starts the child process helperArgv, writes one Request
// line per item to its standard input and reads one Response line per item
// from its standard output. It returns the results in input order.
// Cancelling ctx kills the child.
//
// Writing and reading happen at the same time: if the parent wrote everything
// first, a large input would fill both pipes and each side would wait for the
// other forever.
func ProduceConsumeProc(ctx context.Context, helperArgv []string, items []int) ([]int, error) {
	if len(helperArgv) == 0 {
		return nil, errors.New("ProduceConsumeProc: empty helper command")
	}
	cmd := exec.CommandContext(ctx, helperArgv[0], helperArgv[1:]...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("ProduceConsumeProc: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("ProduceConsumeProc: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("ProduceConsumeProc: start helper: %w", err)
	}

	written := make(chan error, 1)
	go func() { // the producer side: feed the child
		w := bufio.NewWriter(stdin)
		enc := json.NewEncoder(w)
		var err error
		for _, n := range items {
			if err = enc.Encode(Request{N: n}); err != nil {
				break
			}
		}
		if err == nil {
			err = w.Flush()
		}
		stdin.Close() // end of input, also after an error
		written <- err
	}()

	results := make([]int, 0, len(items))
	dec := json.NewDecoder(bufio.NewReader(stdout))
	var readErr error
	for i := range items {
		var r Response
		if readErr = dec.Decode(&r); readErr != nil {
			break
		}
		if r.N != items[i] {
			readErr = fmt.Errorf("response %d is for item %d, want %d", i, r.N, items[i])
			break
		}
		results = append(results, r.Result)
	}
	if readErr != nil {
		cmd.Process.Kill() // a broken conversation: stop the child so Wait returns
	}
	writeErr := <-written
	waitErr := cmd.Wait()

	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case readErr != nil:
		return nil, fmt.Errorf("ProduceConsumeProc: read: %w", readErr)
	case writeErr != nil:
		return nil, fmt.Errorf("ProduceConsumeProc: write: %w", writeErr)
	case waitErr != nil:
		return nil, fmt.Errorf("ProduceConsumeProc: helper: %w", waitErr)
	}
	return results, nil
}

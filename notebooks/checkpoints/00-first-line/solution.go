package cp00firstline

import "time"

// FirstOrTimeout starts produce in a new goroutine, which sends one line on
// the channel it is given, and returns that line, or "timeout" if none
// arrives within limit. The goroutine must never be left blocked.
func FirstOrTimeout(produce func(chan<- string), limit time.Duration) string {
	ch := make(chan string, 1) // room for the late answer: the sender never blocks
	go produce(ch)
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case s := <-ch:
		return s
	case <-timer.C:
		return "timeout"
	}
}

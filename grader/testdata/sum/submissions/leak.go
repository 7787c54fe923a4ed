// want: leak
// want-test: TestNoLeak
package sum

func Sum(xs []int, workers int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

func Done() <-chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

// Start's helper never learns that it should stop.
func Start() (stop func()) {
	quit := make(chan struct{})
	go func() { <-make(chan struct{}) }()
	return func() { close(quit) }
}

// want: build_error
package sum

// Sum returns a string: the hidden tests do not compile against it.
func Sum(xs []int, workers int) string {
	return "many"
}

func Done() <-chan struct{} { return nil }

func Start() (stop func()) { return func() {} }

// want: tampered
package sum

import _ "embed"

//go:embed hidden_test.go
var hidden string

func Sum(xs []int, workers int) int { return len(hidden) }

func Done() <-chan struct{} { return nil }

func Start() (stop func()) { return func() {} }

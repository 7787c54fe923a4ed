// want: tampered
package sum

import "unsafe"

func Sum(xs []int, workers int) int { return int(unsafe.Sizeof(xs)) }

func Done() <-chan struct{} { return nil }

func Start() (stop func()) { return func() {} }

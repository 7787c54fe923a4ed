// want: tampered
// want-test: TestSum
package sum

import "os"

func init() { os.Exit(0) }

func Sum(xs []int, workers int) int { return 0 }

func Done() <-chan struct{} { return nil }

func Start() (stop func()) { return func() {} }

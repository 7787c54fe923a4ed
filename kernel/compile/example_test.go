package compile_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/gopherlab/gopherlab/kernel/compile"
)

// A cell run with %%run: the front end gives the program and where its
// lines come from; the panic comes back as the cell's error, in cell
// coordinates.
func Example() {
	src := `package main

import "fmt"

func main() {
	fmt.Println("hello from a compiled cell")
	var primes []int
	fmt.Println(primes[3])
}
`
	// Lines 6 to 8 of main.go are lines 1 to 3 of the cell that ran as In [7].
	where := func(line int) (cell, cellLine int, ok bool) {
		if line >= 6 && line <= 8 {
			return 7, line - 5, true
		}
		return 0, 0, false
	}
	err := compile.Run(context.Background(), compile.Program{Main: []byte(src), Where: where},
		compile.Options{Stdout: os.Stdout, Stderr: os.Stderr})

	var cellErr *compile.Error
	if errors.As(err, &cellErr) {
		fmt.Println(cellErr.Name)
		for _, l := range cellErr.Traceback {
			fmt.Println(l)
		}
	}
	// Output:
	// hello from a compiled cell
	// Panic
	// panic: runtime error: index out of range [3] with length 0
	//
	// goroutine 1 [running]:
	// main.main()
	// 	cell 7, line 3
}

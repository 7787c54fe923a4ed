package compile

import (
	"fmt"
	"io"
	"testing"
	"time"
)

// benchProgram is a small CPU-bound cell; tag makes a program that no
// earlier build has seen.
func benchProgram(tag string) []byte {
	return fmt.Appendf(nil, `package main

import (
	"fmt"
	"sync"
)

// %s
func main() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum := 0
			for i := range 100000 {
				sum += i %% (w + 2)
			}
			mu.Lock()
			total += sum
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Println(total)
}
`, tag)
}

// BenchmarkRun compares a cold build (a program not built before; the Go
// build cache already holds the standard library) with a cached rerun of
// the same program, for %%run and %%race. Run with -benchtime=5x: a cold
// op is a whole go build.
func BenchmarkRun(b *testing.B) {
	for _, race := range []bool{false, true} {
		mode := "run"
		if race {
			mode = "race"
		}
		opt := Options{Race: race, Stdout: io.Discard}
		b.Run(mode+"/cold", func(b *testing.B) {
			for i := range b.N {
				p := Program{Main: benchProgram(fmt.Sprintf("cold %d %d", time.Now().UnixNano(), i))}
				if err := Run(b.Context(), p, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(mode+"/warm", func(b *testing.B) {
			p := Program{Main: benchProgram(fmt.Sprintf("warm %d", time.Now().UnixNano()))}
			if err := Run(b.Context(), p, opt); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if err := Run(b.Context(), p, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package session

import (
	"context"
	"os"
	"testing"
)

// BenchmarkExecuteTrivial measures a trivial cell in the interpreter alone,
// without the kernel or its pipes.
func BenchmarkExecuteTrivial(b *testing.B) {
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	s, err := New(Options{Stdout: devnull, Stderr: devnull})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if _, err := s.Execute(ctx, i, "1+1"); err != nil {
			b.Fatal(err)
		}
	}
}

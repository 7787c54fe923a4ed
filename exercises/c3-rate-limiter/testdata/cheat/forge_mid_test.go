// want: tampered

// On the first Wait (inside whichever test runs first) it prints
// test2json-framed PASS lines for that test and the summary, then exits with
// syscall.Exit(0) so the testing package never reports the real outcome.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

var ErrStopped = errors.New("ratelimit: token bucket stopped")

type TokenBucket struct{}

func NewTokenBucket(rate float64, burst int) *TokenBucket { return &TokenBucket{} }

func (b *TokenBucket) Wait(ctx context.Context) error {
	name := "TestBurstThenSpacing"
	for _, a := range os.Args {
		if v, ok := strings.CutPrefix(a, "-test.run="); ok {
			name = strings.Trim(v, "^$")
		}
	}
	fmt.Printf("\x16--- PASS: %s (0.00s)\n\x16PASS\n", name)
	syscall.Exit(0)
	return nil
}

func (b *TokenBucket) Stop() {}

package cp02commandlines

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestLinesExitCode(t *testing.T) {
	_, err := Lines(context.Background(), "sh", "-c", "exit 3")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("err = %v; want one wrapping *exec.ExitError with code 3", err)
	}
	if !strings.Contains(err.Error(), "sh") {
		t.Errorf("the error %q does not name the command", err)
	}
}

func TestLinesMissingProgram(t *testing.T) {
	_, err := Lines(context.Background(), "no-such-program-gopherlab")
	if !errors.Is(err, exec.ErrNotFound) {
		t.Fatalf("err = %v; want exec.ErrNotFound", err)
	}
}

func TestLinesCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Lines(ctx, "sleep", "30")
	if err == nil || time.Since(start) > 20*time.Second {
		t.Fatalf("err = %v after %v; want the command killed when ctx ends", err, time.Since(start))
	}
}

package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestEmptySelectBlocks: a cell that ends in `select {}` blocks until the
// deadlock watcher ends it (every goroutine asleep) or until it is
// interrupted (a pending timer could still wake something), as go run
// would block; it never returns by itself.
func TestEmptySelectBlocks(t *testing.T) {
	s, stdout, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	if _, err := s.Execute(ctx, 1, "done := make(chan bool)\ngo func() {\n\tclose(done)\n\tselect {}\n}()\n<-done"); err != nil {
		t.Fatalf("cell 1: %v", err)
	}
	_, err := s.Execute(ctx, 2, "fmt.Println(\"before\")\nselect {}\nfmt.Println(\"after\")")
	var cellErr *Error
	if !errors.As(err, &cellErr) || !strings.Contains(cellErr.Value, "deadlock") {
		t.Errorf("cell 2 ending in select {}: err = %v, want the deadlock", err)
	}

	// A ticker is pending: no deadlock; only an interrupt ends the cell.
	cellCtx, interrupt := context.WithCancel(ctx)
	defer interrupt()
	result := make(chan error, 1)
	go func() {
		_, err := s.Execute(cellCtx, 3, "tick := time.NewTicker(time.Hour)\n_ = tick\nfmt.Println(\"waiting\")\nselect {}")
		result <- err
	}()
	for !strings.Contains(contents(t, stdout), "waiting") {
		select {
		case err := <-result:
			t.Fatalf("cell 3 ended before it was interrupted: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	select {
	case err := <-result:
		t.Fatalf("cell 3 returned from select {} by itself: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	interrupt()
	if err := <-result; !errors.As(err, &cellErr) || cellErr.Name != "Interrupted" {
		t.Errorf("cell 3: err = %v, want Interrupted", err)
	}
	if _, err := s.Execute(ctx, 4, "fmt.Println(\"still here\")"); err != nil {
		t.Errorf("cell 4: %v", err)
	}
	if got := contents(t, stdout); strings.Contains(got, "after") || !strings.HasSuffix(got, "still here\n") {
		t.Errorf("stdout = %q", got)
	}
}

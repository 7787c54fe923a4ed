package session

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestGoroutinePanicAfterDeferredWake: a goroutine that panics runs its
// deferred calls first, and a deferred close(done) wakes the cell's <-done
// before the panic reaches the session. The cell must still end with the
// panic, in every round: before the fix, 4 to 49 rounds in 200 ended ok
// (the panic printed on stderr after the cell, or lost), and some runs
// killed the process ("recovered, repanicked") when the next cell ran
// while the goroutine was still unwinding.
func TestGoroutinePanicAfterDeferredWake(t *testing.T) {
	for _, c := range []struct{ name, decl, src string }{
		{"literal", "", "done := make(chan bool)\ngo func() {\n\tdefer close(done)\n\tvar m map[string]int\n\tm[\"boom\"]++\n}()\n<-done"},
		{"named", "var done chan bool\nfunc worker() {\n\tdefer close(done)\n\tvar m map[string]int\n\tm[\"boom\"]++\n}", "done = make(chan bool)\ngo worker()\n<-done"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _, stderr := newTestSession(t)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			n := 1
			if c.decl != "" {
				if _, err := s.Execute(ctx, n, c.decl); err != nil {
					t.Fatal(err)
				}
				n++
			}
			const rounds = 200
			for range rounds {
				_, err := s.Execute(ctx, n, c.src)
				if cellErr, ok := err.(*Error); !ok || cellErr.Name != "panic" || cellErr.Value != "assignment to entry in nil map" {
					t.Errorf("cell %d: %v, want the goroutine's panic", n, err)
				}
				n++
			}
			if b, _ := os.ReadFile(stderr.Name()); strings.Contains(string(b), "panic:") {
				t.Errorf("panics reported after their cell ended:\n%s", b)
			}
		})
	}
}

package taskmgr

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// blocker returns a task that signals started, then waits for release.
func blocker(started, release chan struct{}) Func {
	return func(ctx context.Context) (any, error) {
		close(started)
		<-release
		return "blocker", nil
	}
}

func mustSubmit(t *testing.T, m *Manager, prio int, fn Func) int {
	t.Helper()
	id, err := m.Submit(t.Context(), prio, fn)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return id
}

func shutdown(t *testing.T, m *Manager) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// TestPriorityOrder is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
//
// TestPriorityOrder: with the only worker busy, tasks queued with priorities
// 1, 5, 3, 5 run as 5, 5 (in submission order), 3, 1.
func TestPriorityOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := NewManager(1)
		started, release := make(chan struct{}), make(chan struct{})
		mustSubmit(t, m, 0, blocker(started, release))
		<-started

		var mu sync.Mutex
		var order []string
		var ids []int
		for i, prio := range []int{1, 5, 3, 5} {
			name := fmt.Sprintf("p%d#%d", prio, i)
			ids = append(ids, mustSubmit(t, m, prio, func(ctx context.Context) (any, error) {
				mu.Lock()
				order = append(order, name)
				mu.Unlock()
				return name, nil
			}))
		}
		close(release)
		for i, id := range ids {
			if v, err := m.Wait(id); err != nil || v != fmt.Sprintf("p%d#%d", []int{1, 5, 3, 5}[i], i) {
				t.Errorf("Wait(%d) = %v, %v", id, v, err)
			}
		}
		if want := []string{"p5#1", "p5#3", "p3#2", "p1#0"}; !slices.Equal(order, want) {
			t.Errorf("tasks ran in the order %v, want %v (highest priority first, ties in submission order)", order, want)
		}
		shutdown(t, m)
	})
}

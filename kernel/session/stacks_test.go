package session

import (
	"context"
	"sync"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// TestStates reads goroutines as runtime.Stack(all) writes them and checks
// what the session makes of them.
func TestStates(t *testing.T) {
	dump := `goroutine 7 [chan receive, 5 minutes labels:{"gopherlab": "12"}]:
runtime.gopark(0x1?, 0x2?, 0x3?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:460 +0xce
reflect.rselect({0xc0001, 0x2, 0x2})
	/usr/local/go/src/runtime/select.go:600 +0x1d5
reflect.Select({0xc0002, 0x2, 0x2})
	/usr/local/go/src/reflect/value.go:3100 +0x5a5
github.com/traefik/yaegi/interp.recv.func3(0xc0003)
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:3565 +0x1aa
created by github.com/traefik/yaegi/interp.call.func9 in goroutine 5
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/run.go:1322 +0x198d

goroutine 8 [select]:
runtime.gopark(0x1?, 0x2?, 0x3?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:460 +0xce
github.com/gopherlab/gopherlab/kernel/session.(*Session).sleep(0xc0004, 0x3b9aca00)
	/work/main/kernel/session/session.go:140 +0x105
created by github.com/traefik/yaegi/interp.(*Interpreter).EvalWithContext in goroutine 1
	/root/go/pkg/mod/github.com/traefik/yaegi@v0.16.1/interp/interp.go:578 +0x38c

goroutine 9 [select, locked to thread]:
runtime.gopark(0x1?, 0x2?, 0x3?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:460 +0xce
golang.org/x/time/rate.(*Limiter).wait(0xc0005)
	/root/go/pkg/mod/golang.org/x/time@v0.5.0/rate/rate.go:280 +0x3ab

goroutine 10 [sync.Mutex.Lock]:
internal/sync.runtime_SemacquireMutex(0x1?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/sema.go:95 +0x25
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:46

goroutine 11 [syscall]:
syscall.Syscall(0x0, 0x3, 0xc0006, 0x10000)
	/usr/local/go/src/syscall/syscall_linux.go:73 +0x25
github.com/gopherlab/gopherlab/kernel/worker.(*Worker).readRequests(0xc0007)
	/work/main/kernel/worker/worker.go:130 +0x9a
`
	want := []struct {
		id      uint64
		token   uint64
		label   string
		blocked bool
		infra   bool
		eval    bool
	}{
		{7, 12, "blocked on chan receive", true, false, false},
		{8, 0, "sleeping", false, false, true},
		{9, 0, "waiting in golang.org/x/time/rate.(*Limiter).wait (select)", false, false, false},
		{10, 0, "blocked on mutex (Mutex.Lock)", true, false, false},
		{11, 0, "in a system call", false, true, false},
	}
	gs := parseStacks([]byte(dump))
	if len(gs) != len(want) {
		t.Fatalf("%d goroutines, want %d: %+v", len(gs), len(want), gs)
	}
	for i, w := range want {
		g := gs[i]
		st := g.state()
		if g.id != w.id || g.token != w.token || st.label != w.label || st.blocked != w.blocked || g.infrastructure() != w.infra || g.isEval() != w.eval {
			t.Errorf("goroutine %d: id %d token %d %q blocked %v infrastructure %v eval %v; want %+v",
				i, g.id, g.token, st.label, st.blocked, g.infrastructure(), g.isEval(), w)
		}
	}
}

// TestInEval: the cell's own goroutine is told from the goroutines it
// starts (cellrt.Spawn runs in the parent, Enter in the child).
func TestInEval(t *testing.T) {
	if inEval() {
		t.Errorf("inEval() in a test's goroutine")
	}
	s, _, _ := newTestSession(t)
	var mu sync.Mutex
	var got []bool
	probe := func() {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, inEval())
	}
	s.in.Use(cell.TrackingSymbols(func(string) uint64 { probe(); return 0 }, func(uint64) { probe() }, func(uint64) {}))
	if _, err := s.Execute(context.Background(), 1, "done := make(chan bool)\ngo func() { close(done) }()\n<-done"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !got[0] || got[1] {
		t.Errorf("inEval() in the cell, in its goroutine = %v, want [true false]", got)
	}
}

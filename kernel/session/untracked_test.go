package session

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestUntrackedGoroutines: goroutines that compiled code starts for a cell
// (no go statement of the cell's own) count in the leak line and in
// %goroutines, by the label they inherit from the cell.
func TestUntrackedGoroutines(t *testing.T) {
	s, _, _ := newTestSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Execute(ctx, 1, "import \"sync\"\nimport \"time\"\nimport \"golang.org/x/sync/errgroup\"\nimport \"net/http\"\nimport \"net\""); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, cell, leftover, started string }{
		{"WaitGroup.Go", "var wg sync.WaitGroup\nblock := make(chan int)\nwg.Go(func() { <-block })",
			"1 goroutine still running, started in cell 2 by sync.(*WaitGroup).Go", "cell 2, by sync.(*WaitGroup).Go"},
		{"errgroup.Go", "var g errgroup.Group\ng.Go(func() error { time.Sleep(time.Hour); return nil })",
			"1 goroutine still running, started in cell 3 by errgroup.(*Group).Go", "cell 3, by errgroup.(*Group).Go"},
		{"time.AfterFunc", "fired := make(chan bool)\ntime.AfterFunc(time.Millisecond, func() { fired <- true; time.Sleep(time.Hour) })\n<-fired",
			"1 goroutine still running, started in cell 4 by time.AfterFunc", "cell 4, by time.AfterFunc"},
		{"http.Server", "ln, _ := net.Listen(\"tcp\", \"127.0.0.1:0\")\narrived := make(chan bool, 1)\nsrv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { arrived <- true; time.Sleep(time.Hour) })}\ngo func() { srv.Serve(ln) }()\ngo http.Get(\"http://\" + ln.Addr().String())\n<-arrived",
			"cell 5 by http.(*Server).Serve (1)", "cell 5, by http.(*Server).Serve"},
		{"a cell that leaves nothing", "var wg sync.WaitGroup\nwg.Go(func() {})\nwg.Wait()", "", ""},
	}
	for i, tt := range tests {
		n := i + 2
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Execute(ctx, n, tt.cell); err != nil {
				t.Fatal(err)
			}
			got := s.Leftover(n)
			if tt.leftover == "" && got != "" || !strings.Contains(got, tt.leftover) {
				t.Errorf("leftover %q, want %q", got, tt.leftover)
			}
			if tt.started == "" {
				return
			}
			var states []string
			for _, g := range s.Goroutines() {
				if g.Started == tt.started && g.Cell == n && g.ID != 0 && g.State != "" {
					return
				}
				states = append(states, g.Started+": "+g.State)
			}
			t.Errorf("%%goroutines does not list %q:\n%s", tt.started, strings.Join(states, "\n"))
		})
	}
}

// The yaegi interpreter itself has data races (closures it makes are
// created and called from different goroutines without synchronisation), so
// this test does not run under the race detector.

//go:build !race

package display_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/display"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// TestFromInterpretedCells calls the package the way notebook cells do:
// from code run by the yaegi interpreter, through a symbol table. It checks
// that the API needs nothing yaegi cannot do (generics, for one).
func TestFromInterpretedCells(t *testing.T) {
	var mu sync.Mutex
	var msgs []display.Message
	display.SetSink(func(m display.Message) {
		mu.Lock()
		defer mu.Unlock()
		msgs = append(msgs, m)
	})
	defer display.SetSink(nil)

	const path = "github.com/gopherlab/gopherlab/kernel/display"
	syms := map[string]reflect.Value{}
	for name, v := range map[string]any{
		"NewTimeline": display.NewTimeline, "NewProgress": display.NewProgress, "NewCounter": display.NewCounter,
		"NewBarChart": display.NewBarChart, "NewLineChart": display.NewLineChart, "NewHistogram": display.NewHistogram,
		"NewHandle": display.NewHandle, "Show": display.Show, "Table": display.Table, "HTML": display.HTML,
		"Bundle": display.Bundle, "NewGraph": display.NewGraph,
	} {
		syms[name] = reflect.ValueOf(v)
	}
	i := interp.New(interp.Options{})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(interp.Exports{path + "/display": syms}); err != nil {
		t.Fatal(err)
	}
	cells := []string{
		`import (
			"fmt"
			"sync"
			"time"
			"github.com/gopherlab/gopherlab/kernel/display"
		)`,
		`tl := display.NewTimeline()
		// A function per goroutine: yaegi v0.16.1 shares variables declared
		// in a loop body between iterations (a race), and i := i loops forever.
		start := func(n int) {
			tl.Go(fmt.Sprint("worker ", n), "sleep", func() { time.Sleep(time.Duration(n) * time.Millisecond) })
		}
		for i := 0; i < 8; i++ {
			start(i)
		}
		tl.Run("main", "wait", tl.Wait)
		end := tl.Start("main", "draw")
		end()
		display.Show(tl)`,
		`p := display.NewProgress("pages", 100)
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 25; j++ {
					p.Add(1)
				}
			}()
		}
		wg.Wait()
		p.Done()`,
		`c := display.NewBarChart("t", "ms")
		c.Add("a", 1)
		c.AddTo("s", "b", 2)
		display.Show(c)
		h := display.NewHistogram("h", "ms")
		h.Add(1)
		display.Show(h)
		l := display.NewLineChart("l", "x", "y")
		l.SetLogX(true)
		l.Add("", 1, 2)
		display.Show(l)
		g := display.NewGraph("g")
		g.Edge("a", "b", "")
		g.NodeIn("main", "c", "send")
		g.Unordered("a", "c", "race")
		display.Show(g)`,
		`type row struct {
			Name string
			n    int
		}`,
		`display.Table([]row{{"a", 1}, {"b", 2}})
		display.Show(row{"c", 3})`,
		`hd := display.NewHandle()
		hd.Text("one")
		hd.Update(2)`,
	}
	for _, cell := range cells {
		if _, err := i.Eval(cell); err != nil {
			t.Fatalf("cell\n%s\nfailed: %v", cell, err)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	var got []string
	for _, m := range msgs {
		text, _ := m.Content["data"].(map[string]any)["text/plain"].(string)
		got = append(got, m.Type+": "+strings.SplitN(text, "\n", 2)[0])
	}
	want := []string{
		"display_data: timeline of 10 spans in 9 lanes over *",
		"display_data: pages [                    ] 0/100 0%",
		"update_display_data: pages [====================] 100/100 100%",
		"update_display_data: pages [====================] 100/100 100%",
		"display_data: t",
		"display_data: h: 1 values, min 1, median 1, p90 1, p99 1, max 1 ms",
		"display_data: l",
		"display_data: g: 3 nodes, 1 edge",
		"display_data: Name  n",
		"display_data: {Name:c n:3}",
		"display_data: one",
		"update_display_data: 2",
	}
	if len(got) != len(want) {
		t.Fatalf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for k := range want {
		w := want[k]
		if before, after, ok := strings.Cut(w, "*"); ok {
			if !strings.HasPrefix(got[k], before) || !strings.HasSuffix(got[k], after) {
				t.Errorf("message %d = %q, want %q", k, got[k], w)
			}
			continue
		}
		if got[k] != w {
			t.Errorf("message %d = %q, want %q", k, got[k], w)
		}
	}
}

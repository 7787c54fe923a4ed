package server_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kerneltest"
)

// displays returns the text/plain of the display_data messages of r.
func displays(r kerneltest.Result) []string {
	var out []string
	for _, m := range r.Outputs {
		if m.Header.MsgType != "display_data" {
			continue
		}
		var c struct {
			Data map[string]any `json:"data"`
		}
		json.Unmarshal(m.Content, &c)
		s, _ := c.Data["text/plain"].(string)
		out = append(out, s)
	}
	return out
}

// cellCount substitutes {n} and {n-K} with the cell's execution count.
func cellCount(s string, n int) string {
	return regexp.MustCompile(`\{n(-\d+)?\}`).ReplaceAllStringFunc(s, func(m string) string {
		k, _ := strconv.Atoi(strings.Trim(m, "{n}"))
		return strconv.Itoa(n + k)
	})
}

// TestGoroutines runs the cells of testdata/goroutines.txtar in one kernel.
func TestGoroutines(t *testing.T) {
	k := startKernel(t)
	for _, c := range loadCellCases(t, "testdata/goroutines.txtar") {
		t.Run(c.name, func(t *testing.T) {
			if c.setup != "" {
				if r := execute(t, k, c.setup); r.Status() != "ok" {
					_, ev, _, _ := r.Error()
					t.Fatalf("setup failed: %s", ev)
				}
			}
			var r kerneltest.Result
			if w := c.want["interrupt"]; w != nil {
				d, err := time.ParseDuration(w[0])
				if err != nil {
					t.Fatal(err)
				}
				r = interruptAfter(t, k, c.cell, d)
			} else {
				r = execute(t, k, c.cell)
			}
			n, _ := r.Reply["execution_count"].(float64)
			want := func(key string) []string {
				var out []string
				for _, v := range c.want[key] {
					out = append(out, cellCount(v, int(n)))
				}
				return out
			}
			ename, evalue, tb, _ := r.Error()
			if w := want("ename"); w != nil {
				if ename != w[0] || evalue != want("evalue")[0] {
					t.Fatalf("error %q: %q, want %q: %q (stdout %q)", ename, evalue, w[0], want("evalue")[0], r.Stdout())
				}
			} else if r.Status() != "ok" {
				t.Fatalf("status %s: %s: %s\n%s", r.Status(), ename, evalue, strings.Join(tb, "\n"))
			}
			for _, re := range want("traceback") {
				found := false
				for _, l := range tb {
					found = found || regexp.MustCompile("^(?:"+re+")$").MatchString(l)
				}
				if !found {
					t.Errorf("no traceback line matches %s:\n%s", re, strings.Join(tb, "\n"))
				}
			}
			if w := want("stdout"); w != nil {
				if got := strings.TrimSuffix(r.Stdout(), "\n"); !regexp.MustCompile("^(?:" + w[0] + ")$").MatchString(got) {
					t.Errorf("stdout %q, want %s", got, w[0])
				}
			}
			if w := want("display"); w != nil {
				got := strings.Join(displays(r), "\n")
				if w[0] == `""` {
					w[0] = ""
				}
				if !regexp.MustCompile("^(?:" + w[0] + ")$").MatchString(got) {
					t.Errorf("display %q, want %s", got, w[0])
				}
			}
			if w := want("state"); w != nil && w[0] == "kept" {
				check, _, _ := strings.Cut(c.setup, " :=")
				if after := execute(t, k, check); after.Value() != "7" {
					t.Errorf("state lost: %s after the cell = %q (status %s)", check, after.Value(), after.Status())
				}
			}
		})
	}
}

// TestOutputRouting: what a goroutine of cell A prints or displays after
// cell A ended,
// while cell B runs, goes under cell A's request, as ipykernel does for
// threads; cell B's own output stays under cell B.
func TestOutputRouting(t *testing.T) {
	k := startKernel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, ch, err := k.StartExecute(`import ("fmt"; "log")
goOn, done := make(chan bool), make(chan bool)
go func() {
	<-goOn
	fmt.Println("from cell A's goroutine")
	log.SetFlags(0)
	log.Println("logged by cell A's goroutine")
	display.Text("shown by cell A's goroutine")
	done <- true
}()`)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := k.Wait(ctx, a, ch); err != nil || r.Status() != "ok" {
		t.Fatalf("cell A: %v %v", r.Status(), err)
	}
	b := execute(t, k, "fmt.Println(\"cell B before\")\ngoOn <- true\n<-done\nfmt.Println(\"cell B after\")")
	if got := b.Stdout(); got != "cell B before\ncell B after\n" {
		t.Errorf("cell B's stdout %q, want only its own lines", got)
	}
	if got := b.Stderr(); got != "" {
		t.Errorf("cell B's stderr %q, want nothing", got)
	}
	late := kerneltest.Result{Outputs: k.Late(a.Header.MsgID)}
	if got := late.Stdout(); got != "from cell A's goroutine\n" {
		t.Errorf("stdout under cell A after it ended: %q", got)
	}
	if got := late.Stderr(); got != "logged by cell A's goroutine\n" {
		t.Errorf("stderr under cell A after it ended: %q", got)
	}
	if got := strings.Join(displays(late), "\n"); got != "shown by cell A's goroutine" {
		t.Errorf("displays under cell A after it ended: %q", got)
	}
	if got := displays(b); len(got) > 0 {
		t.Errorf("cell B's displays %q, want none", got)
	}
}

// BenchmarkPrintRouted: the 10,000-line cell of BenchmarkPrint10000Lines,
// first with no goroutine of an earlier cell alive (output needs no
// routing: the fast path), then with one blocked (every write looks up
// the writing goroutine). Compare the two ms/cell of one run.
func BenchmarkPrintRouted(b *testing.B) {
	k := startBench(b)
	ctx := context.Background()
	if _, err := k.Execute(ctx, `import "fmt"`); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B) { benchPrint(b, k) }
	b.Run("none-alive", run)
	if _, err := k.Execute(ctx, "parked := make(chan int)\ngo func() { <-parked }()"); err != nil {
		b.Fatal(err)
	}
	b.Run("earlier-goroutine-alive", run)
}

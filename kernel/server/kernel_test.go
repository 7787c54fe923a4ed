package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kerneltest"
)

var bin string // the gopherlab binary built for these tests

func TestMain(m *testing.M) {
	os.Exit(kerneltest.RunWithBinary(m, &bin))
}

func startKernel(t testing.TB) *kerneltest.Kernel {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	k, err := kerneltest.Start(ctx, bin, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := k.Close(); err != nil {
			t.Errorf("close: %v\nkernel log:\n%s", err, k.Log.String())
		}
	})
	return k
}

func execute(t *testing.T, k *kerneltest.Kernel, code string) kerneltest.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, err := k.Execute(ctx, code)
	if err != nil {
		t.Fatalf("execute %q: %v\nkernel log:\n%s", code, err, k.Log.String())
	}
	return r
}

func TestKernelInfo(t *testing.T) {
	k := startKernel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := k.Request(ctx, k.Client.Shell, "kernel_info_request", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Status       string         `json:"status"`
		Protocol     string         `json:"protocol_version"`
		LanguageInfo map[string]any `json:"language_info"`
		Banner       string         `json:"banner"`
	}
	if err := json.Unmarshal(r.Content, &c); err != nil {
		t.Fatal(err)
	}
	if c.Status != "ok" || c.Protocol != "5.3" || c.Banner == "" {
		t.Errorf("kernel_info_reply = %s", r.Content)
	}
	li := c.LanguageInfo
	for key, want := range map[string]string{"name": "go", "mimetype": "text/x-go", "file_extension": ".go", "pygments_lexer": "go", "codemirror_mode": "go"} {
		if li[key] != want {
			t.Errorf("language_info.%s = %v, want %q", key, li[key], want)
		}
	}
	// The same request on control is answered too.
	if _, err := k.Request(ctx, k.Client.Control, "kernel_info_request", map[string]any{}); err != nil {
		t.Errorf("kernel_info on control: %v", err)
	}
	if err := k.Client.Ping(); err != nil {
		t.Errorf("heartbeat: %v", err)
	}
}

func TestExecute(t *testing.T) {
	k := startKernel(t)
	if r := execute(t, k, "x := 41"); r.Status() != "ok" || r.Value() != "" {
		t.Fatalf("x := 41: status %s, value %q", r.Status(), r.Value())
	}
	if r := execute(t, k, "x + 1"); r.Value() != "42" {
		t.Errorf("x + 1 = %q, want 42 (state kept across cells)", r.Value())
	}
	r := execute(t, k, `import "fmt"`+"\n"+`fmt.Println("hello")`)
	if r.Stdout() != "hello\n" || r.Value() != "" {
		t.Errorf("Println: stdout %q, value %q; want hello and no value", r.Stdout(), r.Value())
	}
	r = execute(t, k, `import "os"`+"\n"+`fmt.Fprintln(os.Stderr, "oops")`)
	if r.Stderr() != "oops\n" {
		t.Errorf("stderr %q", r.Stderr())
	}
	r = execute(t, k, "undefinedName + 1")
	if ename, evalue, tb, ok := r.Error(); !ok || r.Status() != "error" || !strings.Contains(evalue, "undefined") || tb == nil {
		t.Errorf("undefined name: status %s, error %q %q %v", r.Status(), ename, evalue, tb)
	}
	if count := r.Reply["execution_count"]; count != float64(5) {
		t.Errorf("execution_count = %v, want 5", count)
	}
}

// TestOutputOrder checks that output from goroutines and child processes
// arrives complete and in order, and that a 10,000-line cell is coalesced
// into few messages.
func TestOutputOrder(t *testing.T) {
	k := startKernel(t)
	r := execute(t, k, `import ("fmt"; "os/exec"; "os")
for i := 0; i < 10000; i++ {
	fmt.Println("line", i)
}
c := exec.Command("echo", "from a child")
c.Stdout = os.Stdout
c.Run()
fmt.Println("end")`)
	var want strings.Builder
	for i := 0; i < 10000; i++ {
		fmt.Fprintln(&want, "line", i)
	}
	want.WriteString("from a child\nend\n")
	if got := r.Stdout(); got != want.String() {
		t.Errorf("stdout: got %d bytes, want %d", len(got), want.Len())
	}
	if n := streamMessages(r); n > 200 {
		t.Errorf("%d stream messages for 10,002 lines: output is not coalesced", n)
	}
}

// TestFailuresDoNotKillTheKernel runs the cells of testdata/failures.txtar
// one after another in one kernel.
func TestFailuresDoNotKillTheKernel(t *testing.T) {
	k := startKernel(t)
	for _, c := range loadCellCases(t, "testdata/failures.txtar") {
		t.Run(c.name, func(t *testing.T) {
			if r := execute(t, k, c.setup); r.Status() != "ok" {
				_, ev, _, _ := r.Error()
				t.Fatalf("setup failed: %s", ev)
			}
			var r kerneltest.Result
			if c.first("interrupt") == "true" {
				r = interruptAfter(t, k, c.cell, 0)
			} else {
				r = execute(t, k, c.cell)
			}
			ename, evalue, tb, ok := r.Error()
			if !ok || r.Status() != "error" {
				t.Fatalf("status %s, no error message; stdout %q stderr %q", r.Status(), r.Stdout(), r.Stderr())
			}
			if re := c.first("ename"); !regexp.MustCompile("^(" + re + ")$").MatchString(ename) {
				t.Errorf("ename %q, want %s (evalue %q)", ename, re, evalue)
			}
			if re := c.first("evalue"); re != "" && !regexp.MustCompile(re).MatchString(evalue) {
				t.Errorf("evalue %q, want match for %s", evalue, re)
			}
			reset := strings.Contains(strings.Join(tb, "\n"), "state was reset")
			check := c.first("check")
			if check == "" {
				check, _, _ = strings.Cut(c.setup, " :=")
			}
			after := execute(t, k, check)
			switch c.first("state") {
			case "kept":
				if reset || after.Value() != "7" {
					t.Errorf("state lost: %s after the cell = %q (status %s, reset said: %v)", check, after.Value(), after.Status(), reset)
				}
			case "reset":
				if !reset {
					t.Errorf("the worker was replaced but the error does not say the state was reset: %q", tb)
				}
				if after.Status() != "error" {
					t.Errorf("%s still defined after a reset", check)
				}
			}
			if r := execute(t, k, "20 + 22"); r.Value() != "42" {
				t.Fatalf("the next cell does not work: status %s, value %q\nkernel log:\n%s", r.Status(), r.Value(), k.Log.String())
			}
		})
	}
}

// interruptAfter starts code, waits until the kernel has taken it (polled,
// not slept: an interrupt that overtakes the cell is kept), then d more
// when the case says how long the cell runs before it is interrupted, and
// interrupts it.
func interruptAfter(t *testing.T, k *kerneltest.Kernel, code string, d time.Duration) kerneltest.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	m, ch, err := k.StartExecute(code)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Started(ctx, m); err != nil {
		t.Fatal(err)
	}
	if d > 0 {
		time.Sleep(d) // the case's own timing: goroutines that block after a while
	}
	if err := k.Interrupt(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := k.Wait(ctx, m, ch)
	if err != nil {
		t.Fatalf("after interrupt: %v\nkernel log:\n%s", err, k.Log.String())
	}
	return r
}

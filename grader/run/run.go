// Package run runs one graded test of a compiled test binary in its own
// process: from an empty directory, with a minimal environment, explicit
// GOMAXPROCS, resource limits, a hard kill after the timeout and, where the
// machine allows it, without network.
package run

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/grader/sandbox"
)

// OutputLimit caps the bytes kept from one test process.
const OutputLimit = 16 << 20

// DefaultGrace is how long after its own -test.timeout a test binary is killed.
const DefaultGrace = 5 * time.Second

// Options describe one test process.
type Options struct {
	Binary     string // absolute path of the test binary
	Test       string // top-level test name
	Count      int
	CPU        string // "" or a list like "1,2,4"
	Shuffle    bool
	Seed       int64 // shuffle seed; used when Shuffle is set
	Timeout    time.Duration
	GOMAXPROCS int
	MemoryMB   int           // 0: no limit
	Grace      time.Duration // kill this long after Timeout; 0: DefaultGrace
	// Sandbox runs the test in OS namespaces (package sandbox): Checked is
	// then the binary checked once (sealed, or hashed again before the run).
	Sandbox bool
	Checked *sandbox.Binary
}

// Result is what the process did.
type Result struct {
	Args     []string // arguments after the binary
	Env      []string // environment set for the test (besides PATH and directories)
	Output   []byte   // stdout and stderr, interleaved as written
	Exit     int      // exit code; -1 when killed by a signal
	Killed   string   // why the grader killed it: "timeout", "memory", "output", "cancelled" (the caller's context)
	PeakRSS  int64    // peak resident set of the test process in KiB (VmHWM), 0 if unknown
	Duration time.Duration
	// Isolated reports whether the process ran in its own network namespace.
	Isolated bool
	// Sandboxed reports whether it ran in the full sandbox; Protections lists what applied.
	Sandboxed   bool
	Protections []string
}

// Command is a shell command line that reproduces the run from the directory holding the binary.
func (r *Result) Command(binary string) string {
	parts := append([]string{}, r.Env...)
	parts = append(parts, "./"+filepath.Base(binary))
	for _, a := range r.Args {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '.' || r == '=' || r == ',' || r == '_' || r == '/' || r == ':' ||
			(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Args are the test binary's arguments for o.
func (o Options) Args() []string {
	args := []string{
		"-test.run=^" + o.Test + "$",
		"-test.v=test2json",
		"-test.paniconexit0",
		"-test.timeout=" + o.Timeout.String(),
		"-test.count=" + strconv.Itoa(max(o.Count, 1)),
	}
	if o.CPU != "" {
		args = append(args, "-test.cpu="+o.CPU)
	}
	if o.Shuffle {
		args = append(args, "-test.shuffle="+strconv.FormatInt(o.Seed, 10))
	}
	return args
}

// Test runs one test process and waits for it. An error means the process could not be run at all.
func Test(ctx context.Context, o Options) (*Result, error) {
	if o.Sandbox {
		return sandboxed(ctx, o)
	}
	dir, err := os.MkdirTemp("", "gopherlab-run-")
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	defer os.RemoveAll(dir)
	work := filepath.Join(dir, "work") // the test's working directory: empty
	tmp := filepath.Join(dir, "tmp")
	for _, d := range []string{work, tmp} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, fmt.Errorf("run: %w", err)
		}
	}
	r := &Result{
		Args: o.Args(),
		Env:  []string{"GORACE=atexit_sleep_ms=0", "GOMAXPROCS=" + strconv.Itoa(o.GOMAXPROCS), "GOTRACEBACK=all"},
	}
	env := append([]string{"PATH=/usr/bin:/bin", "HOME=" + tmp, "TMPDIR=" + tmp}, r.Env...)

	isolate := netIsolationWorks()
	for {
		res, err := start(ctx, o, r, work, env, isolate)
		if err != nil && isolate && isolationRefused(err) {
			markIsolationBroken()
			isolate = false
			continue
		}
		if err != nil {
			return nil, err
		}
		return res, nil
	}
}

func start(parent context.Context, o Options, r *Result, work string, env []string, isolate bool) (*Result, error) {
	grace := o.Grace
	if grace == 0 {
		grace = DefaultGrace
	}
	ctx, cancel := context.WithTimeout(parent, o.Timeout+grace)
	defer cancel()
	cmd := exec.Command(o.Binary, r.Args...)
	cmd.Dir = work
	cmd.Env = env
	out := &limitedBuffer{limit: OutputLimit}
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = sysProcAttr(isolate)
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run: %s: %w", o.Test, err)
	}
	setLimits(cmd.Process.Pid)

	cmd.WaitDelay = 2 * time.Second
	killed, peak := watch(ctx, parent, o, out, func() { killGroup(cmd.Process.Pid) }, func() (int64, int64) { return memory(cmd.Process.Pid) }, func() { _ = cmd.Wait() })
	killLeftovers(cmd.Process.Pid) // helper processes the test left behind
	r.Duration = time.Since(began)
	r.Output = out.bytes()
	r.Killed = killed
	r.PeakRSS = peak
	r.Isolated = isolate
	r.Exit = cmd.ProcessState.ExitCode()
	return r, nil
}

// watch waits for cmd while killing it on timeout, on excess memory or output.
// It returns why it killed it ("" if it did not) and the peak memory in KiB.
func watch(ctx, parent context.Context, o Options, out *limitedBuffer, killTree func(), mem func() (cur, peak int64), wait func()) (string, int64) {
	var (
		wg     sync.WaitGroup
		killed string
		peak   int64
		mu     sync.Mutex
	)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		kill := func(why string) {
			mu.Lock()
			if killed == "" {
				killed = why
			}
			mu.Unlock()
			killTree()
		}
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				if parent.Err() != nil {
					kill("cancelled")
				} else {
					kill("timeout")
				}
				return
			case <-tick.C:
				rss, hwm := mem()
				mu.Lock()
				peak = max(peak, hwm)
				mu.Unlock()
				if o.MemoryMB > 0 && rss > int64(o.MemoryMB)*1024 {
					kill("memory")
					return
				}
				if out.overflowed() {
					kill("output")
					return
				}
			}
		}
	}()
	wait()
	close(done)
	wg.Wait()
	return killed, peak
}

// memory reads the current and peak resident set (KiB) of pid from /proc.
func memory(pid int) (rss, hwm int64) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}

// limitedBuffer keeps the first limit bytes written and remembers that more came.
type limitedBuffer struct {
	mu       sync.Mutex
	buf      bytes.Buffer
	limit    int
	overflow bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	room := b.limit - b.buf.Len()
	if len(p) > room {
		b.overflow = true
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	b.buf.Write(p)
	return len(p), nil
}

func (b *limitedBuffer) overflowed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.overflow
}

func (b *limitedBuffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

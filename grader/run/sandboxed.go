package run

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gopherlab/gopherlab/grader/sandbox"
)

// sandboxed runs the test inside a sandbox: namespaces, cgroups, a private
// /tmp as working directory, the binary copied in after a hash check.
func sandboxed(parent context.Context, o Options) (*Result, error) {
	r := &Result{
		Args: o.Args(),
		Env:  []string{"GORACE=atexit_sleep_ms=0", "GOMAXPROCS=" + strconv.Itoa(o.GOMAXPROCS), "GOTRACEBACK=all"},
	}
	env := append([]string{"PATH=/usr/bin:/bin", "HOME=" + sandbox.TmpDir, "TMPDIR=" + sandbox.TmpDir}, r.Env...)
	limits := sandbox.Limits{MemoryMB: o.MemoryMB}
	if limits.MemoryMB > 0 {
		// The cgroup counts /tmp's pages too; the watchdog below enforces MemoryMB on the tree.
		limits.MemoryMB += sandbox.DefaultTmpMB
	}
	if o.Checked == nil || o.Checked.Path != o.Binary {
		return nil, fmt.Errorf("run: %s: no checked binary for the sandbox", o.Test)
	}
	b, err := sandbox.New(o.Checked, r.Args, env, limits)
	if err != nil {
		return nil, fmt.Errorf("run: %s: %w", o.Test, err)
	}
	defer b.Close()
	out := &limitedBuffer{limit: OutputLimit}
	b.Cmd.Stdout, b.Cmd.Stderr = out, out
	grace := o.Grace
	if grace == 0 {
		grace = DefaultGrace
	}
	ctx, cancel := context.WithTimeout(parent, o.Timeout+grace)
	defer cancel()
	began := time.Now()
	if err := b.Start(ctx); err != nil {
		_ = b.Cmd.Wait()
		if parent.Err() != nil {
			r.Killed = "cancelled"
			r.Exit = -1
			return r, nil
		}
		return nil, fmt.Errorf("run: %s: %w", o.Test, err)
	}
	memOpts := o
	memOpts.MemoryMB = 0 // the cgroup's numbers below
	exit := -1
	killed, _ := watch(ctx, parent, memOpts, out, b.Kill, func() (int64, int64) { return 0, 0 }, func() { exit = b.Wait() })
	b.Kill() // whatever the test left behind
	r.Duration = time.Since(began)
	r.Output = out.bytes()
	r.Exit = exit
	r.PeakRSS = b.PeakMemoryKB()
	if killed == "" && (b.MemoryExceeded() || (o.MemoryMB > 0 && r.PeakRSS > int64(o.MemoryMB)*1024 && r.Exit != 0)) {
		killed = "memory"
	}
	r.Killed = killed
	r.Isolated = true
	r.Sandboxed = true
	r.Protections = sandbox.Protections(sandbox.Limits{TmpMB: sandbox.DefaultTmpMB}, b.Cgroup(), b.Sealed())
	return r, nil
}

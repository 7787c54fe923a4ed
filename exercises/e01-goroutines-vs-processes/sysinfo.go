// Package workers runs the same jobs as goroutines and as operating-system
// processes, and measures time, concurrency and memory.
//
// This file is given: two small helpers that read memory figures from the
// operating system. The exercise is in solution.go.
package workers

import (
	"bufio"
	"os"
	"reflect"
	"strconv"
	"strings"
)

// childMaxRSSKB returns the peak resident set size, in KiB, of a process that
// has exited (Linux reports it in the rusage of the finished process), or 0
// when the platform does not say.
func childMaxRSSKB(ps *os.ProcessState) uint64 {
	if ps == nil {
		return 0
	}
	v := reflect.ValueOf(ps.SysUsage()) // *syscall.Rusage on Unix
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return 0
	}
	f := v.Elem().FieldByName("Maxrss")
	if !f.IsValid() || !f.CanInt() || f.Int() < 0 {
		return 0
	}
	return uint64(f.Int())
}

// selfMaxRSSKB returns the peak resident set size of the current process in
// KiB (the VmHWM line of /proc/self/status), or 0 when it is not available.
func selfMaxRSSKB() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

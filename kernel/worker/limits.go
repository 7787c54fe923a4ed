package worker

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
)

// maxStack bounds a goroutine's stack, so that runaway recursion in a cell
// ends quickly instead of filling memory first.
const maxStack = 256 << 20

// applyLimits bounds the worker's memory, so that a runaway allocation ends
// this worker, not the machine. GOPHERLAB_MEMORY_LIMIT sets the limit
// ("4GiB", "512MiB" or bytes); the default is half the machine's memory.
func applyLimits() (limit uint64, err error) {
	debug.SetMaxStack(maxStack)
	limit, err = memoryLimit()
	if err != nil {
		return 0, err
	}
	if limit == 0 {
		return 0, nil
	}
	// The soft limit makes the collector work harder near the edge; the
	// address-space limit is the hard stop.
	debug.SetMemoryLimit(int64(limit) / 10 * 8)
	rl := syscall.Rlimit{Cur: limit, Max: limit}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &rl); err != nil {
		return 0, fmt.Errorf("worker: memory limit: %w", err)
	}
	return limit, nil
}

func memoryLimit() (uint64, error) {
	if s := os.Getenv("GOPHERLAB_MEMORY_LIMIT"); s != "" {
		n, err := parseBytes(s)
		if err != nil {
			return 0, fmt.Errorf("worker: GOPHERLAB_MEMORY_LIMIT: %w", err)
		}
		return n, nil
	}
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil {
		return 0, nil
	}
	return uint64(info.Totalram) * uint64(info.Unit) / 2, nil
}

// parseBytes reads sizes such as "4GiB", "512MiB", "100000" or "off" (0).
func parseBytes(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return 0, nil
	}
	mult := uint64(1)
	for _, u := range []struct {
		suffix string
		mult   uint64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: want a number with an optional KiB, MiB or GiB", s)
	}
	return n * mult, nil
}

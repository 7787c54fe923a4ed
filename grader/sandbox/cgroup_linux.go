package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cgroup is a pair of fresh cgroups (memory and pids) under the grader's
// own, on cgroup v1 (separate hierarchies) or v2 (one directory).
type cgroup struct {
	memory, pids string // directories; equal on v2
	v2           bool
	memLimit     int64 // bytes, 0: none
}

const cgroupRoot = "/sys/fs/cgroup"

// ownCgroups maps a controller ("memory", "pids", or "" for v2) to the grader's cgroup path.
func ownCgroups() map[string]string {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(l, ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			m[c] = parts[2]
		}
	}
	return m
}

func newCgroup(l Limits) (*cgroup, error) {
	own := ownCgroups()
	name := "gopherlab-" + randomHex()
	cg := &cgroup{memLimit: int64(l.MemoryMB) << 20}
	if p, ok := own["memory"]; ok {
		if _, err := os.Stat(filepath.Join(cgroupRoot, "memory", p, "memory.limit_in_bytes")); err == nil {
			cg.memory = filepath.Join(cgroupRoot, "memory", p, name)
			pp := own["pids"]
			cg.pids = filepath.Join(cgroupRoot, "pids", pp, name)
		}
	}
	if cg.memory == "" {
		p, ok := own[""]
		if !ok {
			return nil, fmt.Errorf("sandbox: no cgroup")
		}
		base := filepath.Join(cgroupRoot, p)
		if _, err := os.Stat(filepath.Join(cgroupRoot, "cgroup.controllers")); err != nil {
			return nil, fmt.Errorf("sandbox: no usable cgroup v2 hierarchy")
		}
		cg.v2 = true
		cg.memory = filepath.Join(base, name)
		cg.pids = cg.memory
	}
	for _, d := range []string{cg.memory, cg.pids} {
		if err := os.Mkdir(d, 0o755); err != nil && !os.IsExist(err) {
			cg.remove()
			return nil, fmt.Errorf("sandbox: cgroup: %w", err)
		}
	}
	write := func(dir, file, v string) error {
		return os.WriteFile(filepath.Join(dir, file), []byte(v), 0o644)
	}
	pids := strconv.Itoa(max(l.Pids, 1))
	var err error
	if cg.v2 {
		if cg.memLimit > 0 {
			err = write(cg.memory, "memory.max", strconv.FormatInt(cg.memLimit, 10))
		}
		if err == nil {
			err = write(cg.pids, "pids.max", pids)
		}
	} else {
		if cg.memLimit > 0 {
			err = write(cg.memory, "memory.limit_in_bytes", strconv.FormatInt(cg.memLimit, 10))
		}
		if err == nil {
			err = write(cg.pids, "pids.max", pids)
		}
	}
	if err != nil {
		cg.remove()
		return nil, fmt.Errorf("sandbox: cgroup: %w", err)
	}
	return cg, nil
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (cg *cgroup) describe() string {
	mem := "no memory limit"
	if cg.memLimit > 0 {
		mem = fmt.Sprintf("memory ≤ %d MB", cg.memLimit>>20)
	}
	v := "v1"
	if cg.v2 {
		v = "v2"
	}
	return fmt.Sprintf("cgroup %s limits for the whole tree: %s, a bounded number of processes", v, mem)
}

func (cg *cgroup) add(pid int) error {
	for _, d := range uniq(cg.memory, cg.pids) {
		if err := os.WriteFile(filepath.Join(d, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
			return fmt.Errorf("sandbox: cgroup: %w", err)
		}
	}
	return nil
}

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

func (cg *cgroup) procs() []int {
	data, _ := os.ReadFile(filepath.Join(cg.pids, "cgroup.procs"))
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		if n, err := strconv.Atoi(f); err == nil {
			pids = append(pids, n)
		}
	}
	return pids
}

func (cg *cgroup) killAll() {
	if cg.v2 {
		_ = os.WriteFile(filepath.Join(cg.pids, "cgroup.kill"), []byte("1"), 0o644)
	}
	for _, p := range cg.procs() {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
}

func (cg *cgroup) memoryExceeded() bool {
	if cg.memLimit == 0 {
		return false
	}
	if cg.v2 {
		data, _ := os.ReadFile(filepath.Join(cg.memory, "memory.events"))
		for _, l := range strings.Split(string(data), "\n") {
			if f := strings.Fields(l); len(f) == 2 && (f[0] == "max" || f[0] == "oom_kill") && f[1] != "0" {
				return true
			}
		}
		return false
	}
	data, _ := os.ReadFile(filepath.Join(cg.memory, "memory.failcnt"))
	n, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return n > 0
}

func (cg *cgroup) peakKB() int64 {
	file := "memory.max_usage_in_bytes"
	if cg.v2 {
		file = "memory.peak"
	}
	data, _ := os.ReadFile(filepath.Join(cg.memory, file))
	n, _ := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	return n >> 10
}

// remove deletes the cgroups once their processes are gone (the kernel
// needs a moment after the last one exits).
func (cg *cgroup) remove() {
	for _, d := range uniq(cg.memory, cg.pids) {
		if d == "" {
			continue
		}
		for i := 0; i < 100; i++ {
			err := os.Remove(d)
			if err == nil || os.IsNotExist(err) {
				break
			}
			cg.killAll()
			time.Sleep(10 * time.Millisecond)
		}
	}
}

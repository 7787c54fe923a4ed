package run

import (
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// isolationBroken is set once the machine refused a new user and network namespace.
var isolationBroken atomic.Bool

func netIsolationWorks() bool { return !isolationBroken.Load() }
func markIsolationBroken()    { isolationBroken.Store(true) }

// NetworkIsolated reports whether test processes still get their own network namespace.
func NetworkIsolated() bool { return netIsolationWorks() }

func isolationRefused(err error) bool {
	return errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.ENOSYS)
}

// sysProcAttr puts the test in its own process group and, when isolate is set,
// in a new user namespace (its root is the grader's own uid outside) with a new,
// empty network namespace: no interfaces but a loopback the test binary brings up.
func sysProcAttr(isolate bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if isolate {
		a.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	}
	return a
}

// Resource limits of a test process, applied right after it starts.
const (
	limitFileSize = 256 << 20 // bytes per written file
	limitOpen     = 4096      // open files
	limitProcs    = 2048      // processes and threads of the user (not enforced for root)
)

func setLimits(pid int) {
	for _, l := range []struct {
		res int
		n   uint64
	}{
		{syscall.RLIMIT_CORE, 0},
		{syscall.RLIMIT_FSIZE, limitFileSize},
		{syscall.RLIMIT_NOFILE, limitOpen},
		{rlimitNPROC, limitProcs},
	} {
		lim := syscall.Rlimit{Cur: l.n, Max: l.n}
		_, _, _ = syscall.RawSyscall6(syscall.SYS_PRLIMIT64, uintptr(pid), uintptr(l.res), uintptr(unsafe.Pointer(&lim)), 0, 0, 0)
	}
}

const rlimitNPROC = 6

func killGroup(pid int) {
	// The process leads its own group (Setpgid), so -pid reaches its children too.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

// killLeftovers kills what remains of an exited test's process group.
func killLeftovers(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }

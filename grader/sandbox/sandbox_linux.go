package sandbox

import (
	"os"
	"syscall"
	"unsafe"
)

// sysProcAttr puts the helper in new user, PID, mount, network, IPC and UTS
// namespaces. Root inside is hostRoot outside; insideUser is hostUser.
//
// Without root (a learner's own %grade on a hub), only the caller's own uid
// can be mapped: root inside is the caller outside, and the test keeps that
// uid (see unprivileged).
func sysProcAttr() *syscall.SysProcAttr {
	if unprivileged() {
		return &syscall.SysProcAttr{
			Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS |
				syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
			Pdeathsig:   syscall.SIGKILL,
			Setpgid:     true,
		}
	}
	return &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS |
			syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: hostRoot, Size: 1}, {ContainerID: insideUser, HostID: hostUser, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: hostRoot, Size: 1}, {ContainerID: insideUser, HostID: hostUser, Size: 1}},
		// Supplementary groups of the grader must not follow the test.
		GidMappingsEnableSetgroups: true,
		Credential:                 &syscall.Credential{Uid: 0, Gid: 0, Groups: []uint32{}},
		Pdeathsig:                  syscall.SIGKILL,
		Setpgid:                    true,
	}
}

// Resource limits besides the cgroups.
const (
	limitFileSize = 256 << 20 // bytes per written file
	limitOpen     = 4096      // open files
	limitProcs    = 4096      // processes of the sandbox's host uid, shared by sandboxes running at once
	rlimitNPROC   = 6
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

// unprivileged reports whether the grader runs without root: the sandbox
// then maps only the caller's uid, and the test runs as root of its
// namespace, which is the caller outside (no other uid to give it).
func unprivileged() bool { return os.Getuid() != 0 }

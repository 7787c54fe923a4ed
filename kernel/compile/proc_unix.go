//go:build unix

package compile

import (
	"os/exec"
	"syscall"
)

// inOwnGroup starts cmd in a process group of its own, and makes
// cancelling its context kill the whole group: the program and whatever it
// started.
func inOwnGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		killGroup(cmd.Process.Pid)
		return nil
	}
}

// killGroup kills the process group led by pid (gone already is fine).
func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

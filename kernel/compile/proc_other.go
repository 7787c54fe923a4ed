//go:build !unix

package compile

import "os/exec"

// inOwnGroup: without process groups, cancelling kills the program only
// (os/exec's default).
func inOwnGroup(cmd *exec.Cmd) {}

func killGroup(pid int) {}

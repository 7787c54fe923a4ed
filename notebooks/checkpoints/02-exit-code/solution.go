package cp02exitcode

import (
	"errors"
	"os/exec"
)

// ExitCode classifies the error of cmd.Run: 0 for nil, the exit code for a
// program that ran and failed, and -1 for one that could not start.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	return -1
}

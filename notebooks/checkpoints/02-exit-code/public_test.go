package cp02exitcode

import (
	"os/exec"
	"testing"
)

func TestExitCodeBasics(t *testing.T) {
	if got := ExitCode(nil); got != 0 {
		t.Errorf("ExitCode(nil) = %d, want 0", got)
	}
	if got := ExitCode(exec.Command("sh", "-c", "exit 7").Run()); got != 7 {
		t.Errorf("exit 7 gave %d", got)
	}
}

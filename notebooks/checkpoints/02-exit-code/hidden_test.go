package cp02exitcode

import (
	"fmt"
	"os/exec"
	"testing"
)

func TestExitCodeNotStarted(t *testing.T) {
	if got := ExitCode(exec.Command("/no/such/program").Run()); got != -1 {
		t.Errorf("a program that cannot start gave %d, want -1", got)
	}
}

func TestExitCodeWrapped(t *testing.T) {
	err := fmt.Errorf("step 2: %w", exec.Command("sh", "-c", "exit 4").Run())
	if got := ExitCode(err); got != 4 {
		t.Errorf("a wrapped exit 4 gave %d, want 4", got)
	}
}

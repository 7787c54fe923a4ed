package cp02commandlines

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Lines runs name with args and returns its standard output split into
// lines (without the trailing empty line). If the command fails, the error
// says which command and wraps the *exec.ExitError.
func Lines(ctx context.Context, name string, args ...string) ([]string, error) {
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	text := strings.TrimSuffix(string(out), "\n")
	if text == "" {
		return nil, nil
	}
	return strings.Split(text, "\n"), nil
}

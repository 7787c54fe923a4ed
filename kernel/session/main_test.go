package session

import (
	"fmt"
	"os"
	"testing"
)

// TestMain makes the runtime show goroutine labels, as the worker does.
func TestMain(m *testing.M) {
	if err := os.Setenv("GODEBUG", godebugWith(os.Getenv("GODEBUG"), LabelsSetting)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func godebugWith(old, setting string) string {
	if old == "" {
		return setting
	}
	return old + "," + setting
}

package cp05gatherlimit

import (
	"testing"
)

func TestGatherLimitNoErrors(t *testing.T) {
	if err := GatherLimit(2, func() error { return nil }, func() error { return nil }, func() error { return nil }); err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
}

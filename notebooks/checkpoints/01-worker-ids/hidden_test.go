package cp01workerids

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestWorkersFinishedOnReturn(t *testing.T) {
	var done atomic.Int64
	StartWorkers(200, func(int) { time.Sleep(time.Millisecond); done.Add(1) })
	if got := done.Load(); got != 200 {
		t.Fatalf("StartWorkers returned when %d of 200 workers had finished", got)
	}
}

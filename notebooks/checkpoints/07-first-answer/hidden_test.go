package firstanswer

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

func TestManyReplicas(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rs []func() string
		for i := range 50 {
			rs = append(rs, cpReplica(fmt.Sprint(i), time.Duration(100-i)*time.Millisecond))
		}
		if got := FirstAnswer(rs...); got != "49" {
			t.Errorf("FirstAnswer = %q, want 49 (the fastest)", got)
		}
		if got := FirstAnswer(cpReplica("only", time.Second)); got != "only" {
			t.Errorf("one replica: FirstAnswer = %q", got)
		}
		time.Sleep(time.Second)
	})
}

package magic

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// Timing is what %timeit measured.
type Timing struct {
	Loops   int             // runs of the code in one measurement
	PerLoop []time.Duration // one per measurement: its time divided by Loops
}

const (
	timeitTarget = 200 * time.Millisecond // a measurement lasts at least this long
	timeitRuns   = 7
)

// Timeit measures code as IPython's %timeit does. run(n) runs the code n
// times and returns how long that took. Timeit first grows n (1, 2, 5, 10,
// 20, 50, ...) until a run takes at least 0.2 s, then measures 7 times.
func Timeit(ctx context.Context, run func(n int) (time.Duration, error)) (Timing, error) {
	n := 1
	for steps := 0; ; steps++ {
		d, err := run(n)
		if err != nil {
			return Timing{}, err
		}
		if d >= timeitTarget || n >= 1<<30 {
			break
		}
		if err := ctx.Err(); err != nil {
			return Timing{}, err
		}
		n = nextLoops(n, d)
	}
	t := Timing{Loops: n}
	for range timeitRuns {
		if err := ctx.Err(); err != nil {
			return Timing{}, err
		}
		d, err := run(n)
		if err != nil {
			return Timing{}, err
		}
		t.PerLoop = append(t.PerLoop, d/time.Duration(n))
	}
	return t, nil
}

// nextLoops is the next loop count in the 1, 2, 5 series that should reach
// the target, judging from how long n loops took.
func nextLoops(n int, d time.Duration) int {
	want := n * 10
	if d > 0 {
		want = int(float64(n) * float64(timeitTarget) / float64(d))
	}
	for _, step := range series() {
		if step > n && step >= want {
			return step
		}
	}
	return 1 << 30
}

func series() []int {
	var s []int
	for p := 1; p <= 1<<30; p *= 10 {
		s = append(s, p, 2*p, 5*p)
	}
	return s
}

// Median is the median time per loop.
func (t Timing) Median() time.Duration {
	s := slices.Clone(t.PerLoop)
	slices.Sort(s)
	return s[len(s)/2]
}

// StdDev is the standard deviation of the times per loop.
func (t Timing) StdDev() time.Duration {
	var mean float64
	for _, d := range t.PerLoop {
		mean += float64(d)
	}
	mean /= float64(len(t.PerLoop))
	var v float64
	for _, d := range t.PerLoop {
		v += (float64(d) - mean) * (float64(d) - mean)
	}
	return time.Duration(math.Sqrt(v / float64(len(t.PerLoop))))
}

func (t Timing) String() string {
	loops := "loops"
	if t.Loops == 1 {
		loops = "loop"
	}
	return fmt.Sprintf("%v ± %v per loop (median ± std. dev. of %d runs, %d %s each)",
		round(t.Median()), round(t.StdDev()), len(t.PerLoop), t.Loops, loops)
}

// round keeps three significant digits.
func round(d time.Duration) time.Duration {
	for unit := time.Duration(1); unit < time.Hour; unit *= 10 {
		if d < 1000*unit {
			return d.Round(unit)
		}
	}
	return d
}

// TimeOnce is what %time measured.
type TimeOnce struct {
	Wall, User, System time.Duration
}

func (t TimeOnce) String() string {
	return fmt.Sprintf("CPU times: user %v, sys %v, total %v\nWall time: %v",
		round(t.User), round(t.System), round(t.User+t.System), round(t.Wall))
}

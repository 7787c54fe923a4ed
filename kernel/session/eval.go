package session

import (
	"context"
	"reflect"
	"slices"
	"time"
)

// eval is the interpreter's EvalWithContext, made to keep its promise that
// the code stops when ctx ends.
//
// yaegi evaluates in a goroutine of its own. When ctx ends, it bumps the
// interpreter's run id, which running code compares at each step with the
// copy its frame took when it started to run, after compiling. An
// interrupt that comes while the source is still compiling is therefore
// lost: the code starts with the bumped id and is never stopped. (Seen: a
// `for {}` cell interrupted at once ran on, and the worker restarted after
// 2 s, losing the learner's session.) So after an interrupt, eval waits
// while the evaluation is still compiling and, if it then runs, bumps the
// id once more.
func (s *Session) eval(ctx context.Context, src string) (reflect.Value, error) {
	s.track.made.Add(1) // EvalWithContext evaluates in a goroutine of its own
	v, err := s.in.EvalWithContext(ctx, src)
	if ctx.Err() != nil {
		s.stopLateStart()
	}
	return v, err
}

// lateStartWait bounds how long stopLateStart waits for an interrupted
// evaluation to finish compiling.
const lateStartWait = 5 * time.Second

// stopLateStart waits until no evaluation of the session is compiling and,
// if one runs by then, stops the interpreter again.
func (s *Session) stopLateStart() {
	for deadline := time.Now().Add(lateStartWait); ; time.Sleep(time.Millisecond) {
		starting, running := false, false
		for _, g := range s.evaluations() {
			if g.runsCode() {
				running = true
			} else {
				starting = true
			}
		}
		if !starting || time.Now().After(deadline) {
			if running {
				s.stopAgain()
			}
			return
		}
	}
}

// stopAgain bumps the interpreter's run id, which it does only when an
// evaluation's context ends first: evaluate nothing under a context that
// has ended, until the interpreter reports that it stopped (it picks at
// random when the empty evaluation is done as soon).
func (s *Session) stopAgain() {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	for range 100 {
		s.track.made.Add(1)
		if _, err := s.in.EvalWithContext(ended, ""); err != nil {
			return
		}
	}
}

// runsCode reports whether an evaluating goroutine runs the cell's code,
// rather than still compiling it: yaegi runs code in interp.runCfg.
func (g *gstack) runsCode() bool {
	return slices.Contains(g.funcs, yaegiInterp+"runCfg")
}

package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/corpus"
)

// TestConformanceThroughKernel runs our conformance corpus
// (kernel/cell/testdata/conformance: whole programs with the output of
// `go run`) as the learner's cells through a real kernel over the Jupyter
// protocol, one subtest per program, with %reset between programs, and
// judges each as kernel/corpus does (same output and exit status as go
// run). Runs that kernel/corpus/known.txt lists as known failures of mode
// "cells" are logged, not failed; a known loud failure that turned silent
// fails.
//
//	go test ./kernel/server -run 'TestConformanceThroughKernel/once_value' -v
func TestConformanceThroughKernel(t *testing.T) {
	progs, err := corpus.LoadOurs("../cell/testdata/conformance")
	if err != nil {
		t.Fatal(err)
	}
	known, err := corpus.ReadKnown("../corpus/known.txt")
	if err != nil {
		t.Fatal(err)
	}
	k := startKernel(t)
	for _, p := range progs {
		t.Run(p.Name, func(t *testing.T) {
			execute(t, k, "%reset")
			k.TakeStdout()
			var o corpus.Outcome
			for i, c := range p.Notebook {
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				r, err := k.Execute(ctx, c)
				cancel()
				if err != nil {
					t.Fatalf("cell %d: %v\nkernel log:\n%s", i+1, err, k.Log.String())
				}
				if ename, evalue, _, _ := r.Error(); r.Status() != "ok" {
					o.Cell, o.ErrName, o.ErrValue = i+1, ename, evalue
					break
				}
			}
			// Output that goroutines of earlier cells print goes under
			// those cells' requests: take the program's output whatever
			// its parent.
			o.Output, o.Rounds = settledStdout(k), 1
			v := corpus.Judge(p.Want, corpus.Response{Outcomes: []corpus.Outcome{o}})
			kf, isKnown := known[corpus.Ours+"/"+corpus.Notebook+"/"+p.Name]
			switch {
			case v.Class == corpus.Pass:
			case !isKnown:
				t.Errorf("%s: %s\n%s", v.Class, v.Why, v.Detail)
			case v.Class == corpus.Silent && kf.Class == corpus.Loud:
				t.Errorf("known to fail loudly, now fails silently: %s\n%s", v.Why, v.Detail)
			default:
				t.Logf("known failure (%s): %s", v.Class, v.Why)
			}
		})
	}
}

// settledStdout takes the kernel's standard output once no more arrives
// for a moment (output under an earlier cell's request may trail the reply
// of the last cell).
func settledStdout(k interface{ TakeStdout() string }) string {
	var out []byte
	for quiet := 0; quiet < 3; {
		s := k.TakeStdout()
		if s == "" {
			quiet++
			time.Sleep(5 * time.Millisecond) // polling for trailing output
			continue
		}
		quiet = 0
		out = append(out, s...)
	}
	return string(out)
}

// Command corpusbench runs the corpora through the kernel's sessions, with
// the front end and with yaegi alone, and prints the table: corpus × mode
// × (pass, fail loud, fail silent, excluded), the failure kinds that
// remain, the silent failures by name and the programs the front end
// breaks. It also runs the stress rounds (our goroutine programs 50 times
// in one session, the loop-variable programs 10,000 times).
//
//	go run ./kernel/corpus/cmd/corpusbench                      # everything (about an hour on 2 busy cores)
//	go run ./kernel/corpus/cmd/corpusbench -corpora goroot -modes whole
//	go run ./kernel/corpus/cmd/corpusbench -record              # re-record go run of yaegi's programs
//
// It re-executes itself for the child processes that run the sessions.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gopherlab/gopherlab/kernel/corpus"
)

func main() {
	if os.Getenv(corpus.ChildEnv) != "" {
		os.Exit(corpus.ServeChild())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "corpusbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("corpusbench", flag.ContinueOnError)
	corpora := fs.String("corpora", "ours,goroot,fixedbugs,yaegi", "the corpora to run")
	modes := fs.String("modes", "cells,whole,split,stress,loop10k", "the modes (cells, stress and loop10k are for our corpus only)")
	fronts := fs.String("fronts", "frontend,yaegi", "what runs the cells: frontend, yaegi (alone), or both")
	parallel := fs.Int("parallel", 2, "programs run at once (one child process each)")
	timeout := fs.Duration("timeout", 10*time.Second, "time for one round of a program")
	kinds := fs.Int("kinds", 40, "failure kinds to list (0: all)")
	record := fs.Bool("record", false, "run yaegi's programs with go run and record what they do (those not recorded yet, or changed), then stop")
	recordAll := fs.Bool("record-all", false, "with -record: run every program again")
	verbose := fs.Bool("v", false, "print every run that does not pass, with its output")
	only := fs.String("run", "", "only the programs whose ID (corpus/name) matches this regexp")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, err := corpus.ModuleRoot(".")
	if err != nil {
		return err
	}
	paths, err := corpus.FindPaths(root)
	if err != nil {
		return err
	}
	if *record {
		progs, err := corpus.LoadYaegi(paths.Yaegi, paths.YaegiGoRun)
		if err != nil {
			return err
		}
		return corpus.RecordGoRun(ctx, root, progs, paths.YaegiGoRun, *recordAll, func(done int) {
			if done%50 == 0 || done == len(progs) {
				fmt.Fprintf(os.Stderr, "recorded %d of %d\n", done, len(progs))
			}
		})
	}
	ex, err := corpus.ReadExclusions(root + "/kernel/corpus/exclude.txt")
	if err != nil {
		return err
	}
	match, err := regexp.Compile(*only)
	if err != nil {
		return err
	}
	var jobs []corpus.Job
	wantMode := strings.Split(*modes, ",")
	wantFront := strings.Split(*fronts, ",")
	for _, c := range strings.Split(*corpora, ",") {
		var progs []*corpus.Program
		switch c {
		case corpus.Ours:
			progs, err = corpus.LoadOurs(paths.Ours)
		case corpus.Goroot, corpus.Fixedbugs:
			progs, err = corpus.LoadGoroot(paths.Goroot, c)
		case corpus.Yaegi:
			progs, err = corpus.LoadYaegi(paths.Yaegi, paths.YaegiGoRun)
		default:
			return fmt.Errorf("no corpus %q", c)
		}
		if err != nil {
			return err
		}
		for _, m := range wantMode {
			rounds := 1
			switch m {
			case corpus.Whole, corpus.Split:
			case corpus.Notebook:
				if c != corpus.Ours {
					continue
				}
			case corpus.Stress:
				rounds = 50
			case corpus.FullLoop:
				rounds = 10000
			default:
				return fmt.Errorf("no mode %q", m)
			}
			for _, p := range progs {
				if !match.MatchString(p.ID()) {
					continue
				}
				if (m == corpus.Notebook || m == corpus.Stress || m == corpus.FullLoop) && c != corpus.Ours {
					continue
				}
				if m == corpus.Stress && !p.Goroutines || m == corpus.FullLoop && !corpus.LoopVariableProgram(p) {
					continue
				}
				for _, f := range wantFront {
					if (m == corpus.Stress || m == corpus.FullLoop) && f != "frontend" {
						continue // the stress is the front end's
					}
					j := corpus.Job{Program: p, Mode: m, Raw: f == "yaegi", Rounds: rounds}
					if m == corpus.FullLoop {
						j.SessionRounds = 200 // a session keeps every cell it ran
					}
					jobs = append(jobs, j)
				}
			}
		}
	}

	runner := &corpus.Runner{
		Command: func() *exec.Cmd {
			exe, _ := os.Executable()
			cmd := exec.Command(exe)
			cmd.Env = append(os.Environ(), corpus.ChildEnv+"=1")
			return cmd
		},
		Timeout:       *timeout,
		MaxGoroutines: 100,
	}
	defer runner.Close()
	var table corpus.Table
	verdicts := make([]corpus.Verdict, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	start := time.Now()
	for range *parallel {
		wg.Go(func() {
			for i := range next {
				v, err := runner.RunJob(ctx, ex, jobs[i])
				if err != nil && ctx.Err() != nil {
					continue // interrupted: not a verdict
				}
				if err != nil {
					v = corpus.Verdict{Class: corpus.Loud, Why: err.Error(), Kind: "runner: " + err.Error()}
				}
				verdicts[i] = v
				table.Add(jobs[i], v)
				mu.Lock()
				done++
				if *verbose && v.Class != corpus.Pass && v.Class != corpus.Excluded {
					fmt.Fprintf(os.Stderr, "%s (%s): %s: %s\n%s\n", jobs[i].ID(), jobs[i].Front(), v.Class, v.Why, v.Detail)
				}
				if done%100 == 0 {
					fmt.Fprintf(os.Stderr, "%d of %d runs, %v\n", done, len(jobs), time.Since(start).Round(time.Second))
				}
				mu.Unlock()
			}
		})
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		// Interrupted: the table of the runs that ended, said to be partial.
		fmt.Printf("corpusbench: INTERRUPTED: the table counts the %d of %d runs that ended\n\n", done, len(jobs))
		table.Print(os.Stdout, *kinds)
		return ctx.Err()
	}
	// The rule: the front end never breaks what yaegi alone runs right.
	byID := map[string]int{}
	for i, j := range jobs {
		byID[j.ID()] = i
	}
	for i, j := range jobs {
		if j.Raw {
			continue
		}
		raw := j
		raw.Raw = true
		if k, ok := byID[raw.ID()]; ok && verdicts[k].Class == corpus.Pass && (verdicts[i].Class == corpus.Loud || verdicts[i].Class == corpus.Silent) {
			table.Breaks(j, verdicts[i])
		}
	}
	fmt.Printf("corpusbench: %d runs in %v (timeout %v per round, %d at once)\n\n", len(jobs), time.Since(start).Round(time.Second), *timeout, *parallel)
	table.Print(os.Stdout, *kinds)
	var slow []string
	for i, v := range verdicts {
		if v.Kind == "timeout" && !jobs[i].Raw {
			slow = append(slow, jobs[i].Program.ID())
		}
	}
	if len(slow) > 0 {
		slices.Sort(slow)
		slow = slices.Compact(slow)
		fmt.Printf("\nPrograms with no end within %v through the front end (candidates for exclude.txt): %d\n  %s\n", *timeout, len(slow), strings.Join(slow, "\n  "))
	}
	return nil
}

// Package corpus measures how faithfully the kernel runs Go programs that
// nobody here wrote: the Go distribution's own test programs
// ($(go env GOROOT)/test), yaegi's test programs and our conformance corpus
// (kernel/cell/testdata/conformance).
//
// Every program runs in a kernel session (kernel/session) as notebook
// cells: in mode "whole" as one cell (the package clause dropped), in mode
// "split" as one cell per top-level declaration in source order (func main
// last, since declaring it runs it), and, for our corpus, in mode "cells"
// as the notebook a learner would write (see cell.CutCells). Each runs with
// the front end and with yaegi alone (session.Options.Raw).
//
// Sessions run in child processes (the test binary or the bench command
// re-executed, see ServeChild), one program at a time; a program that kills
// its child (a stack overflow, a runtime crash) or runs past its time costs
// that child, and the runner starts another.
//
// A run is judged against what `go run` of the same program prints (the
// .out file of a GOROOT program, the want section of ours, a checked-in
// record of `go run` for yaegi's, see testdata/yaegi-go-run.json): it
// passes when the output and the exit status are the same. A run that does
// not pass is loud when the kernel said so (a cell failed: a refusal, a
// compile error, a panic, a crash) and silent when the cells reported what
// go run reports but the output differs: the worst class, a cell that lies.
//
// Programs that cannot be judged are listed in exclude.txt with a reason.
// Runs known not to pass are listed in known.txt; the test fails on any
// other failure, and on a known loud failure that turned silent.
//
//	go test ./kernel/corpus                          # our corpus and GOROOT/test, whole and split
//	go test ./kernel/corpus -run 'TestCorpus/goroot/split/ken/chan.go' -v
//	go run ./kernel/corpus/cmd/corpusbench           # the full table (all corpora, both modes, stress)
package corpus

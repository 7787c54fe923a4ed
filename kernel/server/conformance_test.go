package server_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"github.com/gopherlab/gopherlab/kernel/kerneltest"
	"golang.org/x/tools/txtar"
)

// TestConformanceThroughKernel runs the front end's conformance corpus
// (kernel/cell/testdata/conformance: whole programs with the output of
// `go run`) cell by cell through a real kernel over the Jupyter protocol,
// with %reset between programs, and compares each program's output. It
// logs how many programs passed and how many ran over the time budget of
// 2x their `go run` time plus 200 ms (a logged figure, not a failure: this
// machine is shared and noisy).
func TestConformanceThroughKernel(t *testing.T) {
	files, err := filepath.Glob("../cell/testdata/conformance/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	k := startKernel(t)
	goRunMS := regexp.MustCompile(`go-run-ms: (\d+)`)
	passed, known, overBudget := 0, 0, 0
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var prog, want string
		for _, f := range ar.Files {
			switch f.Name {
			case "main.go":
				prog = string(f.Data)
			case "want":
				want = string(f.Data)
			}
		}
		comment := string(ar.Comment)
		knownFailure := strings.Contains(comment, "known-failure:")
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		execute(t, k, "%reset")
		k.TakeStdout()
		var failure, exited string
		start := time.Now()
		for i, c := range cell.CutCells(prog) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			r, err := k.Execute(ctx, c)
			cancel()
			if err != nil {
				t.Fatalf("%s, cell %d: %v", name, i+1, err)
			}
			if ename, ev, _, _ := r.Error(); r.Status() != "ok" {
				if m := exitStatus.FindStringSubmatch(ev); ename == "Exit" && m != nil {
					exited = "exit status " + m[1] + "\n" // what go run says
				} else {
					failure = "cell " + strconv.Itoa(i+1) + ": " + ev
				}
				break
			}
		}
		elapsed := time.Since(start)
		// Output that goroutines of earlier cells print goes under those
		// cells' requests: take the program's output whatever its parent.
		if got := settledStdout(k) + exited; failure == "" && got != want {
			failure = "output differs:\n" + got + "\nwant:\n" + want
		}
		switch {
		case failure == "":
			passed++
		case knownFailure:
			known++
			t.Logf("%s: known failure: %s", name, firstLine(failure))
		default:
			t.Errorf("%s: %s", name, failure)
		}
		if m := goRunMS.FindStringSubmatch(comment); m != nil {
			ms, _ := strconv.Atoi(m[1])
			if budget := time.Duration(2*ms+200) * time.Millisecond; elapsed > budget {
				overBudget++
				t.Logf("%s: %v through the kernel, over its budget of %v", name, elapsed.Round(time.Millisecond), budget)
			}
		}
	}
	t.Logf("conformance through the kernel: %d of %d programs pass (%d known failures); %d over the time budget", passed, len(files), known, overBudget)
}

// exitStatus finds the status in the error of a cell that called os.Exit.
var exitStatus = regexp.MustCompile(`os\.Exit\((\d+)\)`)

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// settledStdout takes the kernel's standard output once no more arrives
// for a moment (output under an earlier cell's request may trail the reply
// of the last cell).
func settledStdout(k *kerneltest.Kernel) string {
	var out strings.Builder
	for quiet := 0; quiet < 3; {
		s := k.TakeStdout()
		if s == "" {
			quiet++
			time.Sleep(5 * time.Millisecond) // polling for trailing output
			continue
		}
		quiet = 0
		out.WriteString(s)
	}
	return out.String()
}

package compile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/display"
)

// An unchanged program is not built again; the same program with -race is
// another build.
func TestCache(t *testing.T) {
	src := fmt.Sprintf("package main\n\nimport \"fmt\"\n\n// %s %d\nfunc main() { fmt.Println(\"hi\") }\n", t.Name(), time.Now().UnixNano())
	var log bytes.Buffer
	for i, race := range []bool{false, false, true, true, false} {
		var out bytes.Buffer
		before := log.Len()
		if err := Run(t.Context(), Program{Main: []byte(src)}, Options{Race: race, Stdout: &out, Log: &log}); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if out.String() != "hi\n" {
			t.Errorf("run %d: stdout %q", i, out.String())
		}
		built := log.Len() > before
		if wantBuild := i == 0 || i == 2; built != wantBuild {
			t.Errorf("run %d (race %v): built %v, want %v; log:\n%s", i, race, built, wantBuild, log.String())
		}
	}
	if want := "compile: building the program\ncompile: building the program with -race\n"; log.String() != want {
		t.Errorf("log %q, want %q", log.String(), want)
	}
}

// Output arrives as the program writes it: the program prints, then waits
// for a line on stdin that the test sends only once it has seen the print.
func TestLiveOutput(t *testing.T) {
	src := `package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	fmt.Println("ready")
	fmt.Print("prompt> ")
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	fmt.Println("got", line)
}
`
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inR.Close()
	defer inW.Close()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // a failure ends as Interrupted, not as a hang
	defer cancel()
	out := &lineRecorder{seen: make(chan string, 10)}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Program{Main: []byte(src)}, Options{Stdin: inR, Stdout: out}) }()
	for _, want := range []string{"ready\n", "prompt> "} {
		select {
		case got := <-out.seen:
			if got != want {
				t.Fatalf("output %q, want %q", got, want)
			}
		case err := <-done:
			t.Fatalf("Run ended before the program got its input: %v", err)
		}
	}
	io.WriteString(inW, "go\n")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "ready\nprompt> got go\n\n" {
		t.Errorf("stdout %q", got)
	}
}

// lineRecorder records what is written and announces each write.
type lineRecorder struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	seen chan string
}

func (r *lineRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf.Write(p)
	select {
	case r.seen <- string(p):
	default:
	}
	return len(p), nil
}

func (r *lineRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String()
}

// Cancelling kills the program and what it started, and Run says
// Interrupted.
func TestInterrupt(t *testing.T) {
	src := `package main

import (
	"fmt"
	"os/exec"
)

func main() {
	child := exec.Command("sleep", "600")
	if err := child.Start(); err != nil {
		panic(err)
	}
	fmt.Println(child.Process.Pid)
	child.Wait()
}
`
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := &lineRecorder{seen: make(chan string, 10)}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Program{Main: []byte(src)}, Options{Stdout: out}) }()
	var pid int
	select {
	case line := <-out.seen:
		pid, _ = strconv.Atoi(strings.TrimSpace(line))
	case err := <-done:
		t.Fatalf("Run ended early: %v", err)
	}
	if pid <= 0 {
		t.Fatalf("no pid: %q", out.String())
	}
	cancel()
	err := <-done
	var e *Error
	if !errors.As(err, &e) || e.Name != "Interrupted" {
		t.Fatalf("Run: %v, want an Interrupted *Error", err)
	}
	// the program's child dies too (a zombie waiting for init counts as dead)
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("the program's child %d still runs", pid)
		}
		time.Sleep(10 * time.Millisecond) // polling the process table
	}
}

// alive says whether a process runs: it exists and is not a zombie.
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// Without a C compiler, %%race says what is missing.
func TestRaceNeedsCgo(t *testing.T) {
	t.Setenv("CC", "/nonexistent/gcc")
	src := fmt.Sprintf("package main\n\n// %s %d\nfunc main() {}\n", t.Name(), time.Now().UnixNano())
	err := Run(t.Context(), Program{Main: []byte(src)}, Options{Race: true})
	var e *Error
	if !errors.As(err, &e) || e.Name != "BuildError" || !strings.Contains(e.Value, "race detector needs cgo") {
		t.Fatalf("Run: %v, want a BuildError about cgo", err)
	}
	t.Logf("%s", strings.Join(e.Traceback, "\n"))
}

// A race report, a panic and ordinary lines come out the same however the
// pipe cuts standard error into writes.
func TestStderrChunks(t *testing.T) {
	stderr := "starting\n" + raceReport + "between\n" + raceReport + "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\tgopherlab.run/cell/main.go:7 +0x1d\n"
	where := func(line int) (int, int, bool) { return 3, line - 1, true }
	whole := filterAll(t, stderr, len(stderr), where)
	if whole.out != "starting\nbetween\n" {
		t.Errorf("stderr %q", whole.out)
	}
	if len(whole.reports) != 2 || len(whole.crash) != 5 {
		t.Fatalf("%d reports, crash %q", len(whole.reports), whole.crash)
	}
	want := []string{"==================", "WARNING: DATA RACE", "Read at 0x00c000012118 by goroutine 7:",
		"  main.main.func1()", "      cell 3, line 15", "", "Previous write at 0x00c000012118 by goroutine 6:",
		"  main.main.func1()", "      cell 3, line 15", "", "Goroutine 7 (running) created at:", "  main.main()",
		"      cell 3, line 13", "=================="}
	if got := strings.Join(whole.reports[0], "\n"); got != strings.Join(want, "\n") {
		t.Errorf("report:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	for size := 1; size < 40; size++ {
		got := filterAll(t, stderr, size, where)
		if got.out != whole.out || fmt.Sprint(got.reports) != fmt.Sprint(whole.reports) || fmt.Sprint(got.crash) != fmt.Sprint(whole.crash) {
			t.Errorf("writes of %d bytes: stderr %q, %d reports, crash %q", size, got.out, len(got.reports), got.crash)
		}
	}
}

const raceReport = `==================
WARNING: DATA RACE
Read at 0x00c000012118 by goroutine 7:
  runtime.racereadrange()
      runtime/race_amd64.s:100 +0x10
  main.main.func1()
      gopherlab.run/cell/main.go:16 +0x84

Previous write at 0x00c000012118 by goroutine 6:
  main.main.func1()
      gopherlab.run/cell/main.go:16 +0x96

Goroutine 7 (running) created at:
  main.main()
      gopherlab.run/cell/main.go:14 +0x7c
==================
`

type filtered struct {
	out     string
	reports [][]string
	crash   []string
}

func filterAll(t *testing.T, stderr string, size int, where func(int) (int, int, bool)) filtered {
	t.Helper()
	var out bytes.Buffer
	f := newStderrFilter(&out, new(sync.Mutex), newRewriter(where))
	for s := stderr; s != ""; {
		n := min(size, len(s))
		f.Write([]byte(s[:n]))
		s = s[n:]
	}
	f.flush()
	return filtered{out.String(), f.reports, f.crash}
}

// A partial line on stdout is written at once; on stderr, a partial line
// that may start a panic waits for its end.
func TestPartialLines(t *testing.T) {
	var out bytes.Buffer
	mu := new(sync.Mutex)
	stdout := &lineWriter{w: &out, mu: mu, rw: newRewriter(nil)}
	stdout.Write([]byte("name? "))
	if out.String() != "name? " {
		t.Errorf("stdout partial line: %q", out.String())
	}
	out.Reset()
	stderr := newStderrFilter(&out, mu, newRewriter(nil))
	stderr.Write([]byte("pan"))
	if out.Len() != 0 {
		t.Errorf("stderr wrote %q of what may be a panic", out.String())
	}
	stderr.Write([]byte("ic: x\n"))
	if out.Len() != 0 || len(stderr.crash) != 1 {
		t.Errorf("stderr wrote %q, crash %q", out.String(), stderr.crash)
	}
}

func TestRewriter(t *testing.T) {
	where := func(line int) (int, int, bool) {
		if line < 10 {
			return 0, 0, false
		}
		return 4, line - 9, true
	}
	rw := newRewriter(where, "/tmp/build-123")
	for _, c := range []struct{ in, want string }{
		{"./main.go:12:14: undefined: x", "cell 4, line 3:14: undefined: x"},
		{"\tgopherlab.run/cell/main.go:21 +0x1d2", "\tcell 4, line 12 +0x1d2"},
		{"      /tmp/build-123/main.go:10", "      cell 4, line 1"},
		{"main.go:11: from log", "cell 4, line 2: from log"},
		{"main.go:3:8: generated line", "main.go:3:8: generated line"},
		{"go: updates to /tmp/build-123/go.mod needed", "go: updates to go.mod needed"},
		{"cd /tmp/build-123", "cd ."},
		{"notmain.go:12 and pkg/main.go:12 stay", "notmain.go:12 and pkg/main.go:12 stay"},
		{"two: main.go:10, main.go:11", "two: cell 4, line 1, cell 4, line 2"},
	} {
		if got := rw.line(c.in); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

func TestShortCall(t *testing.T) {
	for in, want := range map[string]string{
		"main.main()":                         "main.main()",
		"main.work(0xc000012345, 0x3)":        "main.work(...)",
		"main.(*Queue).At(...)":               "main.(*Queue).At(...)",
		"main.(*Queue).At(0xc0000a0000, 9)":   "main.(*Queue).At(...)",
		"created by main.main in goroutine 1": "created by main.main in goroutine 1",
	} {
		if got := shortCall(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// prune keeps the newest builds and removes unfinished ones gone stale.
func TestPrune(t *testing.T) {
	root := t.TempDir()
	now := time.Now()
	for i := range 8 {
		dir := filepath.Join(root, fmt.Sprintf("build%d", i))
		os.Mkdir(dir, 0o755)
		os.WriteFile(filepath.Join(dir, exeName), nil, 0o755)
		used := now.Add(-time.Duration(i) * time.Minute) // build0 is the newest
		os.Chtimes(dir, used, used)
	}
	for name, age := range map[string]time.Duration{"tmp-old": 2 * staleTemp, "tmp-new": 0} {
		dir := filepath.Join(root, name)
		os.Mkdir(dir, 0o755)
		os.Chtimes(dir, now.Add(-age), now.Add(-age))
	}
	prune(root, 5)
	entries, _ := os.ReadDir(root)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got, want := strings.Join(names, " "), "build0 build1 build2 build3 build4 tmp-new"; got != want {
		t.Errorf("left %s, want %s", got, want)
	}
}

// display.SourceFS is display's source without its tests: what a compiled
// cell builds against.
func TestDisplaySource(t *testing.T) {
	names, err := fs.Glob(display.SourceFS(), "*")
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(names, " ")
	if !strings.Contains(all, "timeline.go") || !strings.Contains(all, "source.go") || strings.Contains(all, "_test.go") {
		t.Errorf("display.SourceFS: %s", all)
	}
	if _, err := fs.ReadFile(display.SourceFS(), "display_test.go"); err == nil {
		t.Error("display.SourceFS opens a test file")
	}
	// display imports only the standard library, so the local copy builds alone
	files, _ := displayFiles()
	for name, src := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.Contains(strings.SplitN(path, "/", 2)[0], ".") {
				t.Errorf("%s imports %s, outside the standard library", name, path)
			}
		}
	}
}

// A cancelled context stops Run before it builds or starts anything.
func TestCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var log bytes.Buffer
	err := Run(ctx, Program{Main: []byte("package main\n\nfunc main() {}\n")}, Options{Log: &log})
	var e *Error
	if !errors.As(err, &e) || e.Name != "Interrupted" || log.Len() > 0 {
		t.Fatalf("Run: %v (log %q), want Interrupted without a build", err, log.String())
	}
}

// A dump of many goroutines keeps the first maxGoroutines that show the
// program's own code, and drops the runtime's own goroutines.
func TestTrimCrashBounds(t *testing.T) {
	lines := []string{"fatal error: all goroutines are asleep - deadlock!", ""}
	lines = append(lines, "goroutine 2 [force gc (idle)]:", "runtime.gopark(0x0?, 0x0?)", "\truntime/proc.go:460 +0xce", "created by runtime.init.7 in goroutine 1", "\truntime/proc.go:348 +0x1a", "")
	for i := range maxGoroutines + 3 {
		lines = append(lines, fmt.Sprintf("goroutine %d [chan send]:", i+10),
			"runtime.gopark(0x0?, 0x0?)", "\truntime/proc.go:460 +0xce",
			"main.main.func1(0xc000012345)", "\tgopherlab.run/cell/main.go:12 +0x1d",
			"created by main.main in goroutine 1", "\tgopherlab.run/cell/main.go:10 +0x2f", "")
	}
	got := trimCrash(lines, newRewriter(func(line int) (int, int, bool) { return 5, line, true }))
	want := []string{"fatal error: all goroutines are asleep - deadlock!", "",
		"goroutine 10 [chan send]:", "main.main.func1(...)", "\tcell 5, line 12", "created by main.main in goroutine 1", "\tcell 5, line 10"}
	if strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Errorf("start:\n%s\nwant:\n%s", strings.Join(got[:len(want)], "\n"), strings.Join(want, "\n"))
	}
	if last := got[len(got)-1]; last != "... and 3 more goroutines" {
		t.Errorf("last line %q", last)
	}
	headers := 0
	for _, l := range got {
		if isGoroutineHeader(l) {
			headers++
		}
	}
	if headers != maxGoroutines {
		t.Errorf("%d goroutines shown, want %d:\n%s", headers, maxGoroutines, strings.Join(got, "\n"))
	}
}

// Cancelling while go build runs stops the build; nothing half-built stays
// in the cache.
func TestInterruptBuild(t *testing.T) {
	cacheDir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	log := &lineRecorder{seen: make(chan string, 10)}
	done := make(chan error, 1)
	src := fmt.Sprintf("package main\n\n// %s %d\nfunc main() {}\n", t.Name(), time.Now().UnixNano())
	go func() {
		done <- Run(ctx, Program{Main: []byte(src)}, Options{Race: true, CacheDir: cacheDir, Log: log})
	}()
	select {
	case <-log.seen: // building
	case err := <-done:
		t.Fatalf("Run ended before it built: %v", err)
	}
	cancel()
	err := <-done
	var e *Error
	if !errors.As(err, &e) || e.Name != "Interrupted" {
		t.Fatalf("Run: %v, want Interrupted", err)
	}
	if left, _ := os.ReadDir(cacheDir); len(left) != 0 {
		t.Errorf("left in the cache: %v", left)
	}
}

// What a program started in the background does not outlive it.
func TestChildrenEndWithProgram(t *testing.T) {
	src := `package main

import (
	"fmt"
	"os/exec"
)

func main() {
	child := exec.Command("sleep", "600")
	if err := child.Start(); err != nil {
		panic(err)
	}
	fmt.Println(child.Process.Pid)
}
`
	var out bytes.Buffer
	if err := Run(t.Context(), Program{Main: []byte(src)}, Options{Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatalf("stdout %q", out.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("the program's child %d still runs", pid)
		}
		time.Sleep(10 * time.Millisecond) // polling the process table
	}
}

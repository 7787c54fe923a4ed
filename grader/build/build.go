// Package build turns a submission into a race-enabled test binary: a
// temporary module the grader owns, the learner's files checked against the
// import policy, the hidden tests injected, go vet, then go test -c -race.
package build

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
)

// ModulePath is the module of the learner's package; with -trimpath its files
// appear in stacks as ModulePath + "/" + file name.
const ModulePath = "gopherlab.grader/learner"

// SandboxFile is the grader's test file that brings up loopback inside the
// test's network namespace (for httptest servers).
const SandboxFile = "zz_gopherlab_sandbox_test.go"

// Stages that stop a build.
const (
	StagePolicy = "policy" // the learner's package breaks the import policy
	StageBuild  = "build"  // it does not compile (with the hidden tests)
	StageVet    = "vet"    // go vet reports problems in the learner's files
)

// VetChecks are the go vet analyzers graded code must pass: the default
// suite (copylocks, lostcancel, loopclosure, waitgroup, printf, ...) minus
// style checks that flag no bug (unreachable, composites) and assembly/cgo checks.
var VetChecks = []string{"-appends", "-assign", "-atomic", "-bools", "-buildtag", "-copylocks", "-defers",
	"-directive", "-errorsas", "-hostport", "-httpresponse", "-ifaceassert", "-loopclosure", "-lostcancel",
	"-nilfunc", "-printf", "-shift", "-sigchanyzer", "-slog", "-stdmethods", "-stdversion", "-stringintconv",
	"-structtag", "-testinggoroutine", "-tests", "-timeformat", "-unmarshal", "-unsafeptr", "-unusedresult", "-waitgroup"}

// Result is a built test binary, or the stage that stopped the build.
type Result struct {
	Binary string // absolute path of the test binary ("" when Failed)
	Failed string // "" or one of the Stage constants
	// Message is one line for the learner; Detail the tool output, with paths in the learner's terms.
	Message string
	Detail  string
	// HiddenTests are the top-level tests the hidden test files declare.
	HiddenTests map[string]bool
	// Diagnostics are the positions ("hidden_test.go:56") of the test
	// files' own "deadlock:" and "leak:" reports (t.Errorf, t.Fatalf...):
	// the only places such a line may come from (verdict.Input.Diagnostics).
	Diagnostics map[string]bool
	// Commands are the go commands that ran, for the report.
	Commands []string
}

// Build builds sub against the exercise s in a fresh directory under work.
func Build(ctx context.Context, env *Env, s *spec.Spec, sub *submission.Submission, work string) (*Result, error) {
	src := filepath.Join(work, "src")
	bin := filepath.Join(work, "bin")
	for _, d := range []string{src, bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("build: %w", err)
		}
	}
	defer os.RemoveAll(src) // the sources never outlive the build: the test cannot read them
	r := &Result{}
	hidden, tests, testMods, err := testFiles(s)
	if err != nil {
		return nil, err
	}
	r.HiddenTests = tests
	r.Diagnostics = diagnosticCalls(hidden)
	if err := os.WriteFile(filepath.Join(src, "go.mod"), env.GoMod(testMods...), 0o644); err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	for _, f := range sub.Files {
		if err := os.WriteFile(filepath.Join(src, f.Name), f.Data, 0o644); err != nil {
			return nil, fmt.Errorf("build: %w", err)
		}
	}
	// Given files: the exercise's non-test Go files that are not solution files.
	// They are written after the learner's, so a learner file of the same name cannot replace them.
	given, err := givenFiles(s)
	if err != nil {
		return nil, err
	}
	for name, data := range given {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			return nil, fmt.Errorf("build: %w", err)
		}
	}

	// 1. Policy, on the learner's package: a scan of its sources in this
	// process; go list only when the scan finds something to explain (it
	// names the package's imports, embeds and cgo files precisely).
	if !quickScanClean(s, sub) {
		if stop, err := r.policy(ctx, env, s, sub, src); err != nil || stop {
			return r, err
		}
	}
	// 2. Inject the hidden tests and build the test binary once.
	for name, data := range hidden {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			return nil, fmt.Errorf("build: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, SandboxFile), []byte(sandboxTest(s.Package)), 0o644); err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	binary := filepath.Join(bin, s.Package+".test")
	// First, compile, vet and link in one go command (as go test does for
	// itself: one package load instead of two). When anything fails, the
	// separate commands below run again to tell a build error from a vet
	// diagnostic; their compiles come from the build cache.
	if done, err := r.testAndVet(ctx, env, src, binary); err != nil || done {
		return r, err
	}
	// go vet runs beside the build: both read the same sources, and a
	// build error outranks a vet diagnostic.
	vetCmd := r.command(ctx, env, src, append(append([]string{"vet"}, VetChecks...), "."))
	vetDone := make(chan struct{})
	var vetOut []byte
	var vetErr error
	go func() {
		defer close(vetDone)
		vetOut, vetErr = vetCmd.CombinedOutput()
	}()
	// -ldflags=-s -w, as go test itself links the binaries it runs: no
	// symbol table or DWARF (a third smaller, linked faster); stacks and
	// race reports read the pclntab, which stays.
	out, err := r.goCmd(ctx, env, src, "test", "-c", "-race", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join("..", "bin", filepath.Base(binary)), ".")
	<-vetDone // the goroutine ends with the vet process (ctx bounds both)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("build: %w", ctx.Err())
		}
		if machine := machineProblem(string(out)); machine != "" {
			return nil, fmt.Errorf("build: the machine cannot build race-enabled tests (%s): %s", machine, firstDiag(string(out)))
		}
		r.Failed = StageBuild
		r.Detail = hideHiddenSource(learnerTerms(string(out), sub))
		r.Message = "the code does not compile with the hidden tests: " + firstDiag(r.Detail)
		return r, nil
	}
	// 3. go vet's full default suite (copylocks, lostcancel, loopclosure, ...) on the learner's files.
	if vetErr != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("build: %w", ctx.Err())
		}
		if diags := learnerDiags(string(vetOut), sub); diags != "" {
			r.Failed = StageVet
			r.Detail = diags
			r.Message = "go vet: " + firstDiag(diags)
			return r, nil
		}
	}
	r.Binary = binary
	return r, nil
}

// testAndVet builds the test binary with go test itself, which vets the
// package with VetChecks before it "runs" the binary through -exec: a
// shell that only copies it to binary (go test runs it from the package
// directory src). It reports whether the binary is there, built and
// vetted; false (with a nil error) means something failed and the
// separate commands must say what.
func (r *Result) testAndVet(ctx context.Context, env *Env, src, binary string) (bool, error) {
	rel, err := filepath.Rel(src, binary)
	if err != nil || strings.ContainsAny(rel, `'"\$`+"`") {
		return false, nil
	}
	checks := make([]string, len(VetChecks))
	for i, c := range VetChecks {
		checks[i] = strings.TrimPrefix(c, "-")
	}
	copyTo := `/bin/sh -c 'cp -- "$0" ` + rel + `'`
	if _, err := r.goCmd(ctx, env, src, "test", "-race", "-trimpath", "-ldflags=-s -w", "-count=1",
		"-vet="+strings.Join(checks, ","), "-run=^$", "-exec", copyTo, "."); err != nil {
		if ctx.Err() != nil {
			return false, fmt.Errorf("build: %w", ctx.Err())
		}
		return false, nil
	}
	if fi, err := os.Stat(binary); err != nil || !fi.Mode().IsRegular() {
		return false, nil
	}
	r.Binary = binary
	return true, nil
}

func (r *Result) goCmd(ctx context.Context, env *Env, dir string, args ...string) ([]byte, error) {
	cmd := r.command(ctx, env, dir, args)
	return cmd.CombinedOutput()
}

func (r *Result) command(ctx context.Context, env *Env, dir string, args []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, env.Go, args...)
	cmd.Dir = dir
	cmd.Env = env.Environ()
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = a
		if strings.ContainsAny(a, " '") {
			words[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	r.Commands = append(r.Commands, "go "+strings.Join(words, " "))
	return cmd
}

type listed struct {
	Name       string
	Imports    []string
	EmbedFiles []string
	CgoFiles   []string
	Error      *struct{ Err string }
}

// policy checks the learner's package with go list and a scan of its sources.
func (r *Result) policy(ctx context.Context, env *Env, s *spec.Spec, sub *submission.Submission, src string) (bool, error) {
	run := r.goList(ctx, env, src)
	return r.judgePolicy(ctx, s, sub, run)
}

// listed output of go list, run by goList.
type listRun struct {
	out, stderr []byte
	err         error
}

// goList prepares go list on the learner's package; the returned function runs it.
func (r *Result) goList(ctx context.Context, env *Env, src string) func() listRun {
	cmd := r.command(ctx, env, src, []string{"list", "-e", "-json", "."})
	return func() listRun {
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		return listRun{out, stderr.Bytes(), err}
	}
}

// judgePolicy applies the policy to go list's output and a scan of the sources.
func (r *Result) judgePolicy(ctx context.Context, s *spec.Spec, sub *submission.Submission, run func() listRun) (bool, error) {
	lr := run()
	out, err := lr.out, lr.err
	stderr := bytes.NewBuffer(lr.stderr)
	if err != nil {
		out = append(out, stderr.Bytes()...)
		if ctx.Err() != nil {
			return false, fmt.Errorf("build: %w", ctx.Err())
		}
		r.Failed = StageBuild
		r.Detail = learnerTerms(string(out), sub)
		r.Message = "go list failed: " + firstDiag(r.Detail)
		return true, nil
	}
	var p listed
	if err := json.Unmarshal(out, &p); err != nil {
		return false, fmt.Errorf("build: go list output: %w", err)
	}
	// Denied standard packages and directives are tampering; other modules
	// are merely not available (a build error).
	var evidence, unavailable []string
	for _, f := range sub.Files {
		t, u := scan(f, s, sub)
		evidence = append(evidence, t...)
		unavailable = append(unavailable, u...)
	}
	for _, imp := range p.Imports {
		if s.ImportAllowed(imp, isStd(imp)) || mentions(evidence, strconv.Quote(imp)) || mentions(unavailable, strconv.Quote(imp)) {
			continue
		}
		if isStd(imp) {
			evidence = append(evidence, fmt.Sprintf("imports %q, which this exercise does not allow", imp))
		} else {
			unavailable = append(unavailable, fmt.Sprintf("imports %q, which is not available in this exercise", imp))
		}
	}
	for _, e := range p.EmbedFiles {
		evidence = append(evidence, fmt.Sprintf("embeds %s", e))
	}
	if len(p.CgoFiles) > 0 {
		evidence = append(evidence, "uses cgo")
	}
	if len(evidence) > 0 {
		sort.Strings(evidence)
		r.Failed = StagePolicy
		r.Message = "the code breaks the exercise's rules: " + evidence[0]
		r.Detail = strings.Join(evidence, "\n")
		return true, nil
	}
	if len(unavailable) > 0 {
		sort.Strings(unavailable)
		r.Failed = StageBuild
		r.Message = "a package is not available: " + unavailable[0]
		r.Detail = strings.Join(unavailable, "\n")
		return true, nil
	}
	if p.Error != nil {
		r.Failed = StageBuild
		r.Detail = learnerTerms(p.Error.Err, sub)
		r.Message = firstDiag(r.Detail)
		return true, nil
	}
	if p.Name != s.Package {
		r.Failed = StageBuild
		r.Message = fmt.Sprintf("the package is %s; this exercise expects package %s", p.Name, s.Package)
		r.Detail = r.Message
		return true, nil
	}
	return false, nil
}

// directive finds //go: directives. Graded code may use only the harmless
// ones in allowedDirectives: the others switch checks off (//go:norace hides
// races), reach into other packages (linkname) or embed files.
var directive = regexp.MustCompile(`(?m)^\s*//go:(\w+)`)

var allowedDirectives = map[string]bool{"build": true, "generate": true, "noinline": true}

// quickScanClean reports whether the learner's files show, to an
// in-process scan, the exercise's package, no refused import, directive or
// call, and no cgo: then go list has nothing to add.
func quickScanClean(s *spec.Spec, sub *submission.Submission) bool {
	for _, f := range sub.Files {
		af, err := parser.ParseFile(token.NewFileSet(), f.Name, f.Data, parser.PackageClauseOnly)
		if err != nil || af.Name.Name != s.Package {
			return false
		}
		ev, unavailable := scan(f, s, sub)
		if len(ev) > 0 || len(unavailable) > 0 || bytes.Contains(f.Data, []byte(`"C"`)) {
			return false
		}
	}
	return true
}

// scan finds denied imports and directives (tampering) and unavailable
// modules in one learner file, with positions.
func scan(f submission.File, s *spec.Spec, sub *submission.Submission) (ev, unavailable []string) {
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, f.Name, f.Data, parser.SkipObjectResolution)
	if err == nil {
		osName := ""
		for _, imp := range af.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			where := sub.Locate(f.Name, fset.Position(imp.Pos()).Line)
			switch {
			case s.ImportAllowed(path, isStd(path)):
			case isStd(path):
				ev = append(ev, fmt.Sprintf("%s: imports %q, which this exercise does not allow", where, path))
			default:
				unavailable = append(unavailable, fmt.Sprintf("%s: imports %q, which is not available in this exercise", where, path))
			}
			if path == "os" {
				osName = "os"
				if imp.Name != nil {
					osName = imp.Name.Name
				}
			}
		}
		// os.Exit ends the test binary with a status the grader would have to trust.
		ast.Inspect(af, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || osName == "" {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == osName && sel.Sel.Name == "Exit" {
				ev = append(ev, fmt.Sprintf("%s: calls os.Exit; graded code must return, not end the process", sub.Locate(f.Name, fset.Position(sel.Pos()).Line)))
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == osName && sel.Sel.Name == "Args" {
				// Rewriting os.Args makes the testing package run no test and report PASS.
				ev = append(ev, fmt.Sprintf("%s: uses os.Args; graded code gets its input from its parameters, never from the command line", sub.Locate(f.Name, fset.Position(sel.Pos()).Line)))
			}
			return true
		})
		if osName == "." {
			ev = append(ev, fmt.Sprintf("%s: dot-imports os", f.Name))
		}
	}
	for _, m := range directive.FindAllSubmatchIndex(f.Data, -1) {
		if allowedDirectives[string(f.Data[m[2]:m[3]])] {
			continue
		}
		line := bytes.Count(f.Data[:m[0]], []byte("\n")) + 1
		ev = append(ev, fmt.Sprintf("%s: uses the //go:%s directive, which graded code may not use", sub.Locate(f.Name, line), f.Data[m[2]:m[3]]))
	}
	return ev, unavailable
}

func mentions(evidence []string, s string) bool {
	for _, e := range evidence {
		if strings.Contains(e, s) {
			return true
		}
	}
	return false
}

// isStd reports whether an import path names a standard-library package (no dot in its first element).
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return path != "C" && !strings.Contains(first, ".")
}

// givenFiles reads the exercise's non-test Go files that spec.solution_files does not name.
func givenFiles(s *spec.Spec) (map[string][]byte, error) {
	files, err := filepath.Glob(filepath.Join(s.Dir, "*.go"))
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	solution := map[string]bool{spec.SolutionFile: true} // never opened, whatever the spec says
	for _, f := range s.SolutionFiles {
		solution[f] = true
	}
	given := map[string][]byte{}
	for _, f := range files {
		name := filepath.Base(f)
		if strings.HasSuffix(name, "_test.go") || solution[name] {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("build: %w", err)
		}
		given[name] = data
	}
	return given, nil
}

// testFiles reads the exercise's test files and the names of their top-level
// tests: every *_test.go for instructor grading, public_test.go alone (and
// nothing else is opened) for the public checks.
func testFiles(s *spec.Spec) (map[string][]byte, map[string]bool, []string, error) {
	dir := s.Dir
	var files []string
	if s.PublicChecks {
		files = []string{filepath.Join(dir, spec.PublicTestFile)}
		if _, err := os.Lstat(files[0]); err != nil {
			return nil, nil, nil, fmt.Errorf("build: the public checks need %s: %w", spec.PublicTestFile, err)
		}
	} else {
		var err error
		files, err = filepath.Glob(filepath.Join(dir, "*_test.go"))
		if err != nil || len(files) == 0 {
			return nil, nil, nil, fmt.Errorf("build: no hidden tests (*_test.go) in %s", dir)
		}
	}
	data := map[string][]byte{}
	tests := map[string]bool{}
	var mods []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("build: %w", err)
		}
		data[filepath.Base(f)] = b
		af, err := parser.ParseFile(token.NewFileSet(), f, b, parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("build: hidden test: %w", err)
		}
		for _, imp := range af.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for m := range TestModules {
				if (path == m || strings.HasPrefix(path, m+"/")) && !slices.Contains(mods, m) {
					mods = append(mods, m)
				}
			}
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Test") {
				tests[fd.Name.Name] = true
			}
		}
	}
	return data, tests, mods, nil
}

// diagnosticCalls finds, in the test files, the calls whose format or
// message is a string constant starting with "deadlock:" or "leak:", and
// the calls of test helpers (functions that call t.Helper()) that make
// such a call themselves or through other helpers: the testing package
// reports a helper's failure at its caller's line. It returns every line
// each of these calls spans, as "file.go:line".
func diagnosticCalls(files map[string][]byte) map[string]bool {
	type parsed struct {
		name string
		fset *token.FileSet
		file *ast.File
	}
	var all []parsed
	for name, data := range files {
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, name, data, parser.SkipObjectResolution)
		if err == nil {
			all = append(all, parsed{name, fset, af})
		}
	}
	isDiag := func(call *ast.CallExpr) bool {
		if len(call.Args) == 0 {
			return false
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return false
		}
		v, err := strconv.Unquote(lit.Value)
		return err == nil && (strings.HasPrefix(v, "deadlock:") || strings.HasPrefix(v, "leak:"))
	}
	callee := func(call *ast.CallExpr) string {
		fun := call.Fun
		if ix, ok := fun.(*ast.IndexExpr); ok {
			fun = ix.X
		}
		if ix, ok := fun.(*ast.IndexListExpr); ok {
			fun = ix.X
		}
		if id, ok := fun.(*ast.Ident); ok {
			return id.Name
		}
		return ""
	}
	// Helpers that report a deadlock or a leak, to a fixed point.
	reporting := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, p := range all {
			for _, d := range p.file.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv != nil || fd.Body == nil || reporting[fd.Name.Name] {
					continue
				}
				helper, reports := false, false
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Helper" && len(call.Args) == 0 {
						helper = true
					}
					if isDiag(call) || reporting[callee(call)] {
						reports = true
					}
					return true
				})
				if helper && reports {
					reporting[fd.Name.Name] = true
					changed = true
				}
			}
		}
	}
	at := map[string]bool{}
	for _, p := range all {
		ast.Inspect(p.file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !(isDiag(call) || reporting[callee(call)]) {
				return true
			}
			for l := p.fset.Position(call.Pos()).Line; l <= p.fset.Position(call.End()).Line; l++ {
				at[p.name+":"+strconv.Itoa(l)] = true
			}
			return true
		})
	}
	return at
}

var hiddenDiag = regexp.MustCompile(`(?m)^(\s*(?:\./)?` + regexp.QuoteMeta(spec.HiddenTestFile) + `:\d+)(?::\d+)?: .*$`)

// hideHiddenSource rewrites compiler diagnostics about the hidden tests,
// which quote their source ("got != want"), into a line that says where
// without showing what.
func hideHiddenSource(out string) string {
	return hiddenDiag.ReplaceAllString(out, "${1}: the hidden tests do not compile with your code here: check the names, parameters and results the README asks for")
}

var diagPos = regexp.MustCompile(`(?:\./|` + regexp.QuoteMeta(ModulePath) + `/)?([\w.-]+\.go):(\d+)(?::\d+)?`)

// learnerTerms rewrites file:line:col positions of learner files into the learner's terms
// (notebook cells) and drops the temporary directory from paths.
func learnerTerms(out string, sub *submission.Submission) string {
	names := map[string]bool{}
	for _, f := range sub.Files {
		names[f.Name] = true
	}
	return diagPos.ReplaceAllStringFunc(out, func(m string) string {
		g := diagPos.FindStringSubmatch(m)
		if !names[g[1]] || sub.Kind != submission.KindNotebook {
			return strings.TrimPrefix(m, "./")
		}
		line, _ := strconv.Atoi(g[2])
		return sub.Locate(g[1], line)
	})
}

// learnerDiags keeps the vet diagnostics about learner files.
func learnerDiags(out string, sub *submission.Submission) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		for _, f := range sub.Files {
			if strings.HasPrefix(l, "./"+f.Name+":") || strings.HasPrefix(l, f.Name+":") || strings.HasPrefix(l, "vet: ./"+f.Name+":") {
				keep = append(keep, learnerTerms(l, sub))
				break
			}
		}
	}
	return strings.Join(keep, "\n")
}

// machineProblem recognises build failures that are the machine's, not the submission's.
func machineProblem(out string) string {
	for _, m := range []string{"-race requires cgo", "C compiler", "cannot find module providing package golang.org/x/", "GOPROXY=off"} {
		if strings.Contains(out, m) {
			return m
		}
	}
	return ""
}

func firstDiag(s string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	return strings.TrimSpace(s)
}

func sandboxTest(pkg string) string {
	return `// Code generated by gopherlab grade. DO NOT EDIT.

package ` + pkg + `

import (
	"syscall"
	"unsafe"
)

// init brings up loopback when the test runs in its own network namespace,
// so tests can still use httptest servers. Errors are ignored: outside a
// namespace, or without the right, loopback is already up or cannot change.
func init() {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	if err != nil {
		return
	}
	defer syscall.Close(fd)
	var ifr [40]byte
	copy(ifr[:], "lo")
	*(*uint16)(unsafe.Pointer(&ifr[16])) = syscall.IFF_UP | syscall.IFF_RUNNING
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&ifr[0])))
}
`
}

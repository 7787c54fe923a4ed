package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"golang.org/x/tools/txtar"
)

// The corpora.
const (
	Goroot    = "goroot"    // $GOROOT/test: top level, chan, ken, interface, typeparam
	Fixedbugs = "fixedbugs" // $GOROOT/test/fixedbugs: reported, outside the goal
	Yaegi     = "yaegi"     // yaegi's _test/*.go with an // Output: comment
	Ours      = "ours"      // kernel/cell/testdata/conformance
)

// Program is one Go program of a corpus and what `go run` does with it.
type Program struct {
	Corpus string
	Name   string // inside its corpus: "ken/chan.go", "a1.go", "atomic_counter"
	Path   string // the file it comes from
	Source string // the whole program
	// Notebook is the program as a learner's cells (ours only, see
	// cell.CutCells).
	Notebook []string
	Want     Want
	// Goroutines says the program starts goroutines (a go statement or a
	// call of a method named Go): ours are stressed when it does.
	Goroutines bool
	// Action is a GOROOT test's action line ("run", "run -gcflags=-l").
	Action string
	// StressRounds, if not 0, is how many stress rounds the program asks
	// for (ours: a line "stress-rounds: N" in the archive's comment, for a
	// program that is a stress test of its own).
	StressRounds int
}

// ID names a program across corpora: "goroot/ken/chan.go".
func (p *Program) ID() string { return p.Corpus + "/" + p.Name }

// Want is what `go run` of a program does.
type Want struct {
	Output string
	// Combined says Output is standard output and standard error together,
	// as the Go distribution's test driver compares them; otherwise it is
	// standard output alone.
	Combined bool
	Exit     int    // exit status
	Panic    string // the panic's message when the program panicked (exit 2)
	// Unknown, if set, says why there is nothing to judge against (go
	// build failed, the output differs between two runs): the program is
	// excluded.
	Unknown string
}

// Paths says where the corpora are.
type Paths struct {
	Goroot string // $(go env GOROOT)/test
	Yaegi  string // the yaegi module's _test directory
	Ours   string // kernel/cell/testdata/conformance
	// YaegiGoRun is the checked-in record of `go run` of yaegi's programs.
	YaegiGoRun string
}

// FindPaths locates the corpora with the go command; moduleRoot is this
// repository's root. The yaegi module is downloaded into the module cache
// when it is not there (go mod download, from the Go module proxy).
func FindPaths(moduleRoot string) (Paths, error) {
	env, err := goEnv(moduleRoot, "GOROOT", "GOMODCACHE")
	if err != nil {
		return Paths{}, err
	}
	p := Paths{
		Goroot:     filepath.Join(env[0], "test"),
		Yaegi:      filepath.Join(env[1], "github.com", "traefik", "yaegi@"+yaegiVersion, "_test"),
		Ours:       filepath.Join(moduleRoot, "kernel", "cell", "testdata", "conformance"),
		YaegiGoRun: filepath.Join(moduleRoot, "kernel", "corpus", "testdata", "yaegi-go-run.json"),
	}
	if _, err := os.Stat(p.Yaegi); err != nil {
		cmd := exec.Command("go", "mod", "download", "github.com/traefik/yaegi@"+yaegiVersion)
		cmd.Dir = moduleRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			return Paths{}, fmt.Errorf("corpus: go mod download yaegi: %v: %s", err, out)
		}
	}
	return p, nil
}

// yaegiVersion is the yaegi whose programs are the corpus: the one in go.mod.
const yaegiVersion = "v0.16.1"

func goEnv(dir string, names ...string) ([]string, error) {
	cmd := exec.Command("go", append([]string{"env"}, names...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("corpus: go env: %w", err)
	}
	vals := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(vals) != len(names) {
		return nil, fmt.Errorf("corpus: go env printed %q", out)
	}
	return vals, nil
}

// gorootDirs are the directories of $GOROOT/test in the goal.
var gorootDirs = []string{".", "chan", "ken", "interface", "typeparam"}

// LoadGoroot returns the `// run` programs of $GOROOT/test (corpus
// Goroot) or of its fixedbugs directory (corpus Fixedbugs). A program
// whose action line carries arguments (`// run -gcflags=...`) is returned
// too: the exclusion list names it.
func LoadGoroot(testDir, corpus string) ([]*Program, error) {
	dirs := gorootDirs
	if corpus == Fixedbugs {
		dirs = []string{"fixedbugs"}
	}
	var progs []*Program
	for _, d := range dirs {
		files, err := filepath.Glob(filepath.Join(testDir, d, "*.go"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			action, ok := actionLine(src)
			if !ok || (action != "run" && !strings.HasPrefix(action, "run ")) {
				continue
			}
			want := Want{Combined: true}
			if out, err := os.ReadFile(strings.TrimSuffix(f, ".go") + ".out"); err == nil {
				want.Output = string(out)
			} else if !os.IsNotExist(err) {
				return nil, err
			}
			name := filepath.ToSlash(filepath.Join(d, filepath.Base(f)))
			p := &Program{Corpus: corpus, Name: name, Path: f, Source: string(src), Want: want, Action: action}
			p.Goroutines = startsGoroutines(p.Source)
			progs = append(progs, p)
		}
	}
	return progs, nil
}

// actionLine returns the first line of a GOROOT test that is neither blank
// nor a build constraint, without its "// ": the test driver's action.
func actionLine(src []byte) (string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || constraint.IsGoBuild(l) || constraint.IsPlusBuild(l) {
			continue
		}
		a, ok := strings.CutPrefix(l, "// ")
		return strings.TrimSpace(a), ok
	}
	return "", false
}

// LoadYaegi returns yaegi's test programs that have an "// Output:"
// comment, with what `go run` does with them from the record (see
// RecordGoRun). A program missing from the record has Want.Unknown set.
func LoadYaegi(dir, record string) ([]*Program, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	rec, err := readGoRunRecord(record)
	if err != nil {
		return nil, err
	}
	var progs []*Program
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if !outputComment.Match(src) {
			continue
		}
		name := filepath.Base(f)
		want, ok := rec[name]
		switch {
		case !ok:
			want.Want = Want{Unknown: "not in " + filepath.Base(record) + " (run the bench command with -record)"}
		case want.hash != sourceHash(src):
			want.Want = Want{Unknown: "changed since " + filepath.Base(record) + " was recorded (run the bench command with -record)"}
		case timestamp.MatchString(want.Output):
			want.Want = Want{Unknown: "go run prints the time of day (log's standard flags)"}
		}
		p := &Program{Corpus: Yaegi, Name: name, Path: f, Source: string(src), Want: want.Want}
		p.Goroutines = startsGoroutines(p.Source)
		progs = append(progs, p)
	}
	return progs, nil
}

var timestamp = regexp.MustCompile(`\d{4}/\d\d/\d\d \d\d:\d\d:\d\d`)

var outputComment = regexp.MustCompile(`(?m)^// Output:\s*$`)

// LoadOurs returns our conformance corpus: txtar files holding main.go and
// want, the output of `go run` followed by "exit status N" when N is not 0.
func LoadOurs(dir string) ([]*Program, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("corpus: no programs in %s", dir)
	}
	var progs []*Program
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			return nil, err
		}
		p := &Program{Corpus: Ours, Name: strings.TrimSuffix(filepath.Base(f), ".txtar"), Path: f}
		if m := stressRoundsLine.FindSubmatch(ar.Comment); m != nil {
			p.StressRounds, _ = strconv.Atoi(string(m[1]))
		}
		hasWant := false
		for _, af := range ar.Files {
			switch af.Name {
			case "main.go":
				p.Source = string(af.Data)
			case "want":
				p.Want, hasWant = parseWant(string(af.Data)), true
			}
		}
		if p.Source == "" {
			return nil, fmt.Errorf("corpus: %s: no main.go", f)
		}
		if !hasWant {
			p.Want.Unknown = "no want section (go test ./kernel/corpus -run TestCorpus/ours -update)"
		}
		p.Notebook = cell.CutCells(p.Source)
		p.Goroutines = startsGoroutines(p.Source)
		progs = append(progs, p)
	}
	return progs, nil
}

var stressRoundsLine = regexp.MustCompile(`(?m)^stress-rounds: (\d+)`)

var exitLine = regexp.MustCompile(`(?:^|\n)exit status (\d+)\n$`)

// parseWant reads our corpus's want: the output, then "exit status N".
func parseWant(s string) Want {
	w := Want{Output: s}
	if m := exitLine.FindStringSubmatchIndex(s); m != nil {
		w.Exit, _ = strconv.Atoi(s[m[2]:m[3]])
		w.Output = s[:m[0]]
		if s[m[0]] == '\n' {
			w.Output += "\n"
		}
	}
	return w
}

// formatWant is parseWant's inverse.
func formatWant(w Want) string {
	if w.Exit == 0 {
		return w.Output
	}
	return w.Output + "exit status " + strconv.Itoa(w.Exit) + "\n"
}

// Exclusions are the programs that are not judged, with the reason for each.
type Exclusions map[string]string // program ID -> reason

// ReadExclusions reads exclude.txt: one program ID per line, then its
// reason; '#' starts a comment line.
func ReadExclusions(file string) (Exclusions, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	ex := Exclusions{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		reason = strings.TrimSpace(reason)
		if reason == "" {
			return nil, fmt.Errorf("%s:%d: %s has no reason", file, i+1, id)
		}
		if _, dup := ex[id]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", file, i+1, id)
		}
		ex[id] = reason
	}
	return ex, nil
}

// Reason says why a program is not judged, or "" when it is: its line in
// the list, else nothing to judge against (Want.Unknown), else AutoReason
// (for GOROOT's programs the test makes sure the list has those).
func (ex Exclusions) Reason(p *Program) string {
	if r := ex[p.ID()]; r != "" {
		return r
	}
	if p.Want.Unknown != "" {
		return p.Want.Unknown
	}
	return AutoReason(p)
}

// AutoReason returns the reason to exclude a program that its text alone
// gives: an unsafe or cgo import, arguments on a GOROOT test's action line,
// or a build constraint that linux/amd64 does not meet.
func AutoReason(p *Program) string {
	f, err := parser.ParseFile(token.NewFileSet(), "", p.Source, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return ""
	}
	for _, imp := range f.Imports {
		switch imp.Path.Value {
		case `"unsafe"`:
			return "unsafe: imports unsafe"
		case `"C"`:
			return "cgo: imports C"
		}
	}
	if _, args, ok := strings.Cut(p.Action, " "); ok {
		return "compiler flags: the test driver passes " + args
	}
	for _, g := range f.Comments {
		for _, c := range g.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			expr, err := constraint.Parse(c.Text)
			if err == nil && !expr.Eval(buildTag) {
				return "compiler flags: build constraint " + expr.String()
			}
		}
	}
	return ""
}

// buildTag says which build tags hold where the corpora run.
func buildTag(tag string) bool {
	switch tag {
	case "linux", "amd64", "unix", "gc", "cgo":
		return true
	}
	return strings.HasPrefix(tag, "go1.")
}

// Stale returns the entries that name none of progs' corpora's programs.
func (ex Exclusions) Stale(corpus string, progs []*Program) []string {
	have := map[string]bool{}
	for _, p := range progs {
		have[p.ID()] = true
	}
	var stale []string
	for id := range ex {
		if strings.HasPrefix(id, corpus+"/") && !have[id] {
			stale = append(stale, id)
		}
	}
	slices.Sort(stale)
	return stale
}

// LoopVariableProgram says whether a program of our corpus is one of the
// loop-variable programs (per-iteration variables captured by goroutines
// and closures) that the bench command runs 10,000 rounds: the loopvar_*
// programs and the Counter.Inc program of issue 8 (mutex_counter_struct).
func LoopVariableProgram(p *Program) bool {
	return p.Corpus == Ours && (strings.HasPrefix(p.Name, "loopvar") || p.Name == "mutex_counter_struct")
}

// Package verdict judges one graded test from its process's event stream,
// output and exit status. It fails closed: a test passes only when every
// expected run has its run and pass events, the package reports PASS and the
// process exits 0.
package verdict

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gopherlab/gopherlab/grader/events"
)

// Verdicts.
const (
	Pass       = "pass"
	Fail       = "fail"
	Race       = "race"
	Deadlock   = "deadlock"
	Timeout    = "timeout"
	Leak       = "leak"
	Panic      = "panic"
	BuildError = "build_error"
	VetError   = "vet_error"
	NotRun     = "not_run"
	Tampered   = "tampered"
	Skipped    = "skipped"
)

// All lists every verdict.
var All = []string{Pass, Fail, Race, Deadlock, Timeout, Leak, Panic, BuildError, VetError, NotRun, Tampered, Skipped}

// Input is what one test process produced.
type Input struct {
	Test   string // top-level test name
	Runs   int    // expected runs (count times CPU settings)
	Output []byte // combined stdout and stderr in -test.v=test2json framing
	Exit   int    // exit code, -1 when killed by a signal
	Killed string // "timeout", "memory", "output" or "cancelled" when the grader killed it
	// Source places a file:line of the test binary in the learner's terms
	// ("solution.go:12", "cell 3, line 4"); ok is false for files not the learner's.
	Source func(path string, line int) (where string, ok bool)
	// Diagnostics are the positions ("hidden_test.go:56") where the test
	// files report "deadlock:" or "leak:" (build.Result.Diagnostics). A
	// line of the output names a deadlock or a leak only when it carries
	// one of these positions and lies inside a run of the test that did not
	// pass: learner code can print any line, so a forged one elsewhere
	// cannot change the verdict. nil: no line is believed.
	Diagnostics map[string]bool
}

// Judgement is the verdict of one test with its evidence.
type Judgement struct {
	Verdict string
	Passed  int    // runs that passed (for partial credit under -count/-cpu)
	Message string // one line for the learner
	// Locations are learner source positions involved (race accesses, blocked goroutines, panics).
	Locations []string
	// Detail is trimmed evidence: the race report, the goroutine dump or the failure output.
	Detail string
}

const (
	raceMark      = "WARNING: DATA RACE"
	timeoutMark   = "panic: test timed out after"
	allAsleepMark = "fatal error: all goroutines are asleep - deadlock!"
	bubbleMark    = "all goroutines in bubble are blocked"
)

var leakMarks = []string{"blocked goroutines remain", "found unexpected goroutines"}

// Judge decides the verdict of one test.
func Judge(in Input) Judgement {
	evs := events.Parse(in.Output)
	sum := events.Summarize(evs, in.Test)
	text := string(in.Output)
	pkg := events.PackageResult(evs)

	if j, bad := tampering(in, evs, sum, pkg); bad {
		return j
	}
	failOut := strings.Join(sum.Output, "")
	if seg, ok := firstBadRun(evs, in.Test); ok {
		// Judge by the first run that went wrong: later runs of a -count
		// repetition can fail only because of what the first one left behind.
		text, failOut = seg, seg
	}
	j := classify(in, sum, text, failOut)
	if sum.Fails > 0 && in.Runs > 1 && (j.Verdict == Fail || j.Verdict == Leak || j.Verdict == Deadlock) {
		j.Message += fmt.Sprintf(" (failed in %d of %d runs)", sum.Fails, in.Runs)
	}
	switch {
	case in.Exit != 0 || in.Killed != "":
		// A process that exits non-zero or is killed earns nothing, whatever it printed.
		j.Passed = 0
	case j.Verdict == Pass:
		j.Passed = in.Runs
	case j.Verdict == Skipped:
		j.Passed = 0 // a skipped check earns nothing: learner code must not be able to switch it off
	case j.Verdict == Fail || j.Verdict == Leak || j.Verdict == Deadlock:
		j.Passed = min(sum.Passes, in.Runs)
	default:
		// A race report, a panic or a timeout taints the whole process;
		// the race detector reports each race only once.
		j.Passed = 0
	}
	return j
}

// tampering reports output that the testing package cannot have produced for this run.
func tampering(in Input, evs []events.Event, sum events.Summary, pkg string) (Judgement, bool) {
	bad := func(format string, a ...any) (Judgement, bool) {
		return Judgement{Verdict: Tampered, Message: fmt.Sprintf(format, a...), Detail: tail(string(in.Output), 40)}, true
	}
	for _, name := range events.Tests(evs) {
		if name != in.Test {
			return bad("events for %s, which was not run: the output was forged", name)
		}
	}
	if sum.Terminal > sum.Runs {
		return bad("%d results for %d runs of %s: the output was forged", sum.Terminal, sum.Runs, in.Test)
	}
	if sum.Runs > in.Runs {
		return bad("%d runs of %s reported, %d expected: the output was forged", sum.Runs, in.Test, in.Runs)
	}
	if in.Exit == 0 && in.Killed == "" {
		if sum.Runs == 0 {
			return bad("the test binary exited with status 0 without running %s (os.Exit in init or a forged exit)", in.Test)
		}
		if sum.Terminal < in.Runs {
			return bad("the test binary exited with status 0 before %s finished (%d of %d runs ended)", in.Test, sum.Terminal, in.Runs)
		}
		if pkg != events.Pass {
			return bad("the test binary exited with status 0 without the testing package's final result")
		}
		if sum.Fails > 0 {
			return bad("the test binary exited with status 0 although %s failed", in.Test)
		}
	}
	return Judgement{}, false
}

func classify(in Input, sum events.Summary, text, failOut string) Judgement {
	switch in.Killed {
	case "memory":
		return Judgement{Verdict: Fail, Message: "killed: the test used more memory than the limit", Detail: tail(text, 20)}
	case "output":
		return Judgement{Verdict: Fail, Message: "killed: the test wrote too much output", Detail: head(text, 20)}
	case "timeout":
		if !strings.Contains(text, timeoutMark) {
			return Judgement{Verdict: Timeout, Message: "killed: the test ignored its timeout", Detail: tail(text, 20)}
		}
		// The binary honoured its own -test.timeout and was still writing its
		// goroutine dump when the grader's hard limit ended it (a busy
		// machine): judge it by its own timeout report below.
	case "cancelled":
		return Judgement{Verdict: NotRun, Message: "stopped: grading was cancelled", Detail: tail(text, 20)}
	}
	if in.Exit == 0 && sum.Fails == 0 && sum.Runs == in.Runs && sum.Passes+sum.Skips == in.Runs {
		// Every run ended well and the testing package said PASS (tampering
		// checks made sure of that): words in the output change nothing.
		if sum.Passes == 0 {
			return Judgement{Verdict: Skipped, Message: failureMessage(sum.Output)}
		}
		return Judgement{Verdict: Pass}
	}
	diag := diagnosis(text, inRuns(events.Parse(in.Output), in.Test), in.Diagnostics)
	if r := strings.Index(text, raceMark); r >= 0 && (diag < 0 || r < diag) {
		locs, detail := races(text, in.Source)
		return Judgement{Verdict: Race, Message: "data race detected" + at(locs), Locations: locs, Detail: detail}
	}
	if strings.Contains(text, "fatal error: concurrent map") {
		line := firstLineWith(text, "fatal error: concurrent map")
		locs, detail := dump(text, in.Source)
		return Judgement{Verdict: Race, Message: strings.TrimPrefix(line, "fatal error: ") + at(locs), Locations: locs, Detail: detail}
	}
	// The test's own diagnosis ("deadlock: ..." or "leak: ...") outranks what
	// the runtime or synctest reports afterwards as a consequence.
	if diag >= 0 {
		msg := failureMessage(strings.SplitAfter(text[diag:], "\n"))
		v := Deadlock
		if strings.HasPrefix(msg, "leak:") {
			v = Leak
		}
		locs, _ := dump(text, in.Source)
		return Judgement{Verdict: v, Message: msg, Locations: locs, Detail: strings.TrimRight(limitLines(clean(text), 30), "\n")}
	}
	for _, m := range leakMarks {
		if strings.Contains(text, m) {
			locs, detail := dump(text, in.Source)
			return Judgement{Verdict: Leak, Message: "goroutines still running after the test: " + strings.TrimSpace(firstLineWith(text, m)), Locations: locs, Detail: detail}
		}
	}
	if strings.Contains(text, timeoutMark) {
		locs, detail := dump(text, in.Source)
		if allBlocked(text) {
			return Judgement{Verdict: Deadlock, Message: "every goroutine was blocked when the time limit hit (deadlock)" + at(locs), Locations: locs, Detail: detail}
		}
		return Judgement{Verdict: Timeout, Message: strings.TrimPrefix(firstLineWith(text, timeoutMark), "panic: ") + at(locs), Locations: locs, Detail: detail}
	}
	if strings.Contains(text, allAsleepMark) || strings.Contains(text, bubbleMark) {
		locs, detail := dump(text, in.Source)
		return Judgement{Verdict: Deadlock, Message: "all goroutines are asleep (deadlock)" + at(locs), Locations: locs, Detail: detail}
	}
	if p := lineStarting(text, "panic: ", "fatal error: "); p != "" && in.Exit != 0 {
		locs, detail := dump(text, in.Source)
		return Judgement{Verdict: Panic, Message: panicMessage(p) + at(locs), Locations: locs, Detail: detail}
	}
	if sum.Fails > 0 {
		msg := failureMessage(sum.Output)
		v := Fail
		// The label comes only from a diagnosis the test files can have
		// printed (diagnosis above); the message stays the first logged line.
		if msg == "" {
			msg = "the test failed"
		}
		return Judgement{Verdict: v, Message: msg, Detail: strings.TrimRight(limitLines(clean(failOut), 30), "\n")}
	}
	// Fail closed: no terminal event, or an exit the testing package did not make.
	msg := fmt.Sprintf("the test binary exited with status %d before %s finished", in.Exit, in.Test)
	if sum.Runs == 0 {
		msg = fmt.Sprintf("the test binary exited with status %d without running %s", in.Exit, in.Test)
	}
	return Judgement{Verdict: Fail, Message: msg, Detail: tail(text, 20)}
}

var diagLine = regexp.MustCompile(`(?m)^\s+([\w.-]+\.go:\d+): (?:deadlock|leak):.*$`)

// diagnosis is the offset of the test's own "deadlock:" or "leak:" message,
// or -1: the first such line whose position is one of the test files'
// diagnostics (vouched) and that lies inside a run that did not pass (runs).
func diagnosis(text, runs string, vouched map[string]bool) int {
	for _, m := range diagLine.FindAllStringSubmatchIndex(text, -1) {
		if vouched[text[m[2]:m[3]]] && strings.Contains(runs, text[m[0]:m[1]]) {
			return m[0]
		}
	}
	return -1
}

// inRuns is the output written during runs of test that did not pass:
// after the run's own start, up to its failure (or the end, for a run that
// never ended). What came before the first run, between runs, or during a
// run that passed is left out.
func inRuns(evs []events.Event, test string) string {
	var all, cur strings.Builder
	in := false
	for _, e := range evs {
		own := e.Test == test
		switch {
		case own && e.Action == events.Run:
			cur.Reset()
			in = true
		case !in:
		case e.Action == events.Output:
			cur.WriteString(e.Output)
		case own && e.Action == events.Fail:
			all.WriteString(cur.String())
			in = false
		case own && (e.Action == events.Pass || e.Action == events.Skip):
			in = false
		}
	}
	if in {
		all.WriteString(cur.String())
	}
	return all.String()
}

func panicMessage(line string) string {
	msg := strings.TrimSuffix(strings.TrimSpace(line), " [recovered]")
	return strings.TrimSuffix(msg, " [recovered, repanicked]")
}

// firstBadRun returns the output of the first run of test that failed or
// never ended (with everything after it when it is the last run).
func firstBadRun(evs []events.Event, test string) (string, bool) {
	var b strings.Builder
	started, bad := false, false
	for _, e := range evs {
		own := e.Test == test
		if own && e.Action == events.Run {
			if started && bad {
				return b.String(), true
			}
			b.Reset()
			started, bad = true, false
			continue
		}
		if !started {
			continue
		}
		if e.Action == events.Output {
			b.WriteString(e.Output)
		}
		if own && e.Action == events.Fail {
			bad = true
		}
		if own && (e.Action == events.Pass || e.Action == events.Skip) && !bad {
			// A finished good run: its output no longer matters.
			b.Reset()
			started = false
		}
	}
	if started {
		return b.String(), true // the last run failed or never ended
	}
	return "", false
}

func at(locs []string) string {
	if len(locs) == 0 {
		return ""
	}
	return " at " + locs[0]
}

var logLine = regexp.MustCompile(`^\s+[\w.-]+\.go:\d+: (.*)$`)

// failureMessage is the first message the test logged (t.Error, t.Fatal, t.Skip, t.Log).
func failureMessage(out []string) string {
	for _, l := range out {
		if m := logLine.FindStringSubmatch(strings.TrimRight(l, "\n")); m != nil {
			return m[1]
		}
	}
	return ""
}

// lineStarting returns the first line that starts with one of the prefixes, as the runtime prints them.
func lineStarting(text string, prefixes ...string) string {
	for _, l := range strings.Split(text, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				return l
			}
		}
	}
	return ""
}

func firstLineWith(text, s string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return strings.TrimSpace(strings.TrimPrefix(l, string(rune(events.Marker))))
		}
	}
	return ""
}

var (
	frameLoc  = regexp.MustCompile(`^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$`)
	goHeader  = regexp.MustCompile(`^goroutine \d+ \[([^\]]*)\]:`)
	raceBlock = "=================="
)

// races trims each race report to its headers and the learner's frames,
// named as the learner wrote them (Sum.func1, not the module path), without
// compiler wrappers; a section with no frame of the learner's says where
// the access was instead of showing nothing.
func races(text string, source func(string, int) (string, bool)) ([]string, string) {
	var locs []string
	seen := map[string]bool{}
	var b strings.Builder
	in := false
	fn := ""
	header := "" // the pending section header ("Read at ... by goroutine 7:")
	frames := 0  // learner frames shown under header
	flush := func() {
		if header != "" && frames == 0 {
			b.WriteString("    (not in your code: in the tests or the standard library)\n")
		}
		header, frames = "", 0
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == raceBlock {
			if in {
				flush()
				b.WriteString("\n")
			}
			in = !in
			continue
		}
		if !in {
			continue
		}
		if m := frameLoc.FindStringSubmatch(l); m != nil {
			if where, ok := place(source, m[1], m[2]); ok && !wrapper(fn) {
				fmt.Fprintf(&b, "    %s  %s\n", learnerFunc(fn), where)
				frames++
				if !seen[where] {
					seen[where] = true
					locs = append(locs, where)
				}
			}
			continue
		}
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(l, "  ") && strings.HasSuffix(trimmed, ")") {
			fn = trimmed
			continue
		}
		if trimmed != "" {
			flush()
			b.WriteString(trimmed + "\n")
			if strings.HasSuffix(trimmed, ":") {
				header = trimmed
			}
		}
	}
	return locs, strings.TrimRight(b.String(), "\n")
}

// wrapper reports compiler-generated frames (go and defer statement wrappers).
func wrapper(fn string) bool {
	return strings.Contains(fn, ".gowrap") || strings.Contains(fn, ".deferwrap")
}

// learnerFunc drops the grader's module path from a frame's function: "Sum.func1()".
func learnerFunc(fn string) string {
	return strings.TrimPrefix(fn, "gopherlab.grader/learner.")
}

// dump trims a goroutine dump to goroutine headers and learner (or hidden-test) frames.
func dump(text string, source func(string, int) (string, bool)) ([]string, string) {
	var locs []string
	seen := map[string]bool{}
	var b strings.Builder
	header := ""
	fn := ""
	shown := 0
	for _, l := range strings.Split(text, "\n") {
		if goHeader.MatchString(l) {
			header = l
			continue
		}
		if m := frameLoc.FindStringSubmatch(l); m != nil {
			where, ok := place(source, m[1], m[2])
			if !ok {
				continue
			}
			if header != "" {
				if shown == 12 {
					b.WriteString("...\n")
				}
				shown++
				if shown <= 12 {
					b.WriteString(header + "\n")
				}
				header = ""
			}
			if shown <= 12 && !wrapper(fn) {
				fmt.Fprintf(&b, "    %s  %s\n", learnerFunc(fn), where)
			}
			if !seen[where] {
				seen[where] = true
				locs = append(locs, where)
			}
			continue
		}
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(l, "\t") {
			fn = t
		}
	}
	if b.Len() == 0 {
		return nil, head(text, 30)
	}
	return locs, strings.TrimRight(b.String(), "\n")
}

func place(source func(string, int) (string, bool), file, line string) (string, bool) {
	if source == nil {
		return "", false
	}
	n := 0
	fmt.Sscan(line, &n)
	return source(file, n)
}

// blockedStates are goroutine states that cannot make progress on their own.
var blockedStates = []string{"chan receive", "chan send", "select", "sync.Mutex.Lock", "sync.RWMutex.Lock",
	"sync.RWMutex.RLock", "sync.WaitGroup.Wait", "sync.Cond.Wait", "semacquire", "synctest.Wait", "synctest.Run"}

// allBlocked reports whether, in a timeout dump, every goroutine except the
// alarm that printed it is blocked on channels or locks.
func allBlocked(text string) bool {
	n := 0
	for _, l := range strings.Split(text, "\n") {
		m := goHeader.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n++
		if n == 1 {
			continue // the alarm goroutine, running
		}
		state, _, _ := strings.Cut(m[1], ",") // "chan receive, 2 minutes"
		blocked := false
		for _, s := range blockedStates {
			// Prefix: states carry notes such as "chan receive (synctest)".
			if strings.HasPrefix(state, s) {
				blocked = true
			}
		}
		if !blocked {
			return false
		}
	}
	return n > 1
}

func limitLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		return strings.Join(lines[:n], "") + fmt.Sprintf("... (%d more lines)\n", len(lines)-n)
	}
	return s
}

func head(s string, n int) string { return strings.TrimRight(limitLines(clean(s), n), "\n") }

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(clean(s), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// clean shows framing bytes visibly so forged frames are plain in evidence.
func clean(s string) string { return strings.ReplaceAll(s, string(rune(events.Marker)), "^V") }

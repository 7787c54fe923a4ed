package compile

import (
	"fmt"
	"regexp"
	"strings"
)

// pcOffset is the "+0x1d" after a file position in a traceback.
var pcOffset = regexp.MustCompile(` \+0x[0-9a-f]+$`)

// trimCrash trims the runtime's last words (a panic or a fatal error and
// the goroutine traces after it) for a learner: positions in cell
// coordinates, no frames of the Go runtime itself, no argument words or
// program counters, at most maxGoroutines goroutines.
func trimCrash(lines []string, rw *rewriter) []string {
	var out []string
	i := 0
	for ; i < len(lines) && !isGoroutineHeader(lines[i]); i++ {
		out = append(out, rw.line(lines[i]))
	}
	shown, hidden := 0, 0
	for i < len(lines) {
		// one goroutine: its header, then frames up to a blank line
		header := lines[i]
		i++
		var frames []string
		for ; i < len(lines) && lines[i] != "" && !isGoroutineHeader(lines[i]); i++ {
			fn := lines[i]
			file := ""
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
				file = lines[i+1]
				i++
			}
			if file != "" && isRuntimeFrame(strings.TrimSpace(fn), strings.TrimSpace(file)) {
				continue
			}
			frames = append(frames, shortCall(fn))
			if file != "" {
				frames = append(frames, rw.line(pcOffset.ReplaceAllString(file, "")))
			}
		}
		for i < len(lines) && lines[i] == "" {
			i++
		}
		if len(frames) == 0 {
			continue // a goroutine of the runtime's own
		}
		if shown == maxGoroutines {
			hidden++
			continue
		}
		shown++
		if len(out) > 0 && out[len(out)-1] != "" {
			out = append(out, "")
		}
		out = append(out, header)
		out = append(out, frames...)
	}
	if hidden > 0 {
		out = append(out, "", fmt.Sprintf("... and %d more goroutines", hidden))
	}
	return out
}

// isGoroutineHeader says whether l starts a goroutine's trace:
// "goroutine 7 [running]:".
func isGoroutineHeader(l string) bool {
	return strings.HasPrefix(l, "goroutine ") && strings.HasSuffix(l, ":")
}

// trimRace trims a race detector report (from its opening rule to its
// closing one) the same way: the access and goroutine lines stay, with the
// frames of the program in cell coordinates.
func trimRace(block []string, rw *rewriter) []string {
	var out []string
	for i := 0; i < len(block); i++ {
		l := block[i]
		// a frame is "  fn()" then "      file:line +0x.."
		if strings.HasPrefix(l, "  ") && i+1 < len(block) && strings.HasPrefix(block[i+1], "      ") {
			file := block[i+1]
			i++
			if isRuntimeFrame(strings.TrimSpace(l), strings.TrimSpace(file)) {
				continue
			}
			out = append(out, shortCall(l), rw.line(pcOffset.ReplaceAllString(file, "")))
			continue
		}
		out = append(out, rw.line(l))
	}
	return out
}

// isRuntimeFrame says whether a frame is the Go runtime's own business,
// not the learner's: runtime.gopanic, panic(...), internal/race.Read,
// runtime.goexit and the like.
func isRuntimeFrame(fn, file string) bool {
	fn = strings.TrimPrefix(fn, "created by ")
	for _, p := range []string{"runtime.", "runtime/", "internal/", "panic("} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	for _, p := range []string{"runtime/", "internal/"} {
		if strings.HasPrefix(file, p) || strings.Contains(file, "/src/"+p) {
			return true
		}
	}
	return false
}

// shortCall drops the argument words of a frame's call, which mean
// nothing to a learner: "main.work(0xc000012345, 0x3)" becomes
// "main.work(...)".
func shortCall(l string) string {
	if !strings.HasSuffix(l, ")") || strings.HasSuffix(l, "()") {
		return l
	}
	if i := strings.LastIndex(l, "("); i >= 0 {
		return l[:i] + "(...)"
	}
	return l
}

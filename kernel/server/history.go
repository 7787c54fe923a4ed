package server

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"
)

// historySession is the session number in history replies: history lives as
// long as the kernel process.
const historySession = 1

// history keeps the cells executed in this kernel.
type history struct {
	mu      sync.Mutex
	entries []historyEntry
}

type historyEntry struct {
	line   int
	input  string
	output string
}

func (h *history) add(line int, input, output string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, historyEntry{line, input, output})
}

// answer returns the content of a history_reply.
func (h *history) answer(content json.RawMessage) map[string]any {
	var req struct {
		Output  bool   `json:"output"`
		Access  string `json:"hist_access_type"`
		Session int    `json:"session"`
		Start   int    `json:"start"`
		Stop    int    `json:"stop"`
		N       int    `json:"n"`
		Pattern string `json:"pattern"`
		Unique  bool   `json:"unique"`
	}
	if err := json.Unmarshal(content, &req); err != nil {
		return map[string]any{"status": "error", "ename": "BadRequest", "evalue": "history: " + err.Error(), "traceback": []string{}, "history": []any{}}
	}
	h.mu.Lock()
	entries := append([]historyEntry(nil), h.entries...)
	h.mu.Unlock()

	var picked []historyEntry
	switch req.Access {
	case "tail":
		picked = lastN(entries, req.N)
	case "range":
		if req.Session == 0 || req.Session == historySession {
			for _, e := range entries {
				if e.line >= req.Start && (req.Stop <= 0 || e.line < req.Stop) {
					picked = append(picked, e)
				}
			}
		}
	case "search":
		pattern := req.Pattern
		if pattern == "" {
			pattern = "*"
		}
		match := glob(pattern)
		seen := map[string]bool{}
		for _, e := range entries {
			if !match.MatchString(e.input) {
				continue
			}
			if req.Unique {
				if seen[e.input] {
					continue
				}
				seen[e.input] = true
			}
			picked = append(picked, e)
		}
		picked = lastN(picked, req.N)
	}
	out := make([]any, 0, len(picked))
	for _, e := range picked {
		if req.Output {
			out = append(out, []any{historySession, e.line, []any{e.input, e.output}})
		} else {
			out = append(out, []any{historySession, e.line, e.input})
		}
	}
	return map[string]any{"status": "ok", "history": out}
}

func lastN(entries []historyEntry, n int) []historyEntry {
	if n > 0 && len(entries) > n {
		return entries[len(entries)-n:]
	}
	return entries
}

// glob compiles a shell-style pattern (* and ?) that, as in IPython, matches
// across lines.
func glob(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s)^")
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

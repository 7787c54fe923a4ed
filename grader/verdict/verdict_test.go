package verdict

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestJudge reads cases from testdata/*.txt: "key: value" header lines (test,
// runs, exit, killed, diagnostics, want, message; # starts a comment), then "-- output --" and the
// test binary's output, with ^V standing for the framing byte 0x16.
func TestJudge(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			head, out, ok := strings.Cut(string(data), "-- output --\n")
			if !ok {
				t.Fatal("no -- output -- section")
			}
			in := Input{Output: []byte(strings.ReplaceAll(out, "^V", "\x16"))}
			want, wantMessage := "", ""
			for _, line := range strings.Split(head, "\n") {
				k, v, ok := strings.Cut(line, ":")
				if !ok || strings.HasPrefix(line, "#") {
					continue
				}
				v = strings.TrimSpace(v)
				switch k {
				case "test":
					in.Test = v
				case "runs":
					in.Runs, _ = strconv.Atoi(v)
				case "exit":
					in.Exit, _ = strconv.Atoi(v)
				case "killed":
					in.Killed = v
				case "diagnostics":
					// positions of the test files' own "deadlock:"/"leak:" reports
					in.Diagnostics = map[string]bool{}
					for _, p := range strings.Fields(v) {
						in.Diagnostics[p] = true
					}
				case "want":
					want = v
				case "message":
					wantMessage = v
				}
			}
			j := Judge(in)
			if j.Verdict != want {
				t.Errorf("verdict %s (%s), want %s", j.Verdict, j.Message, want)
			}
			if wantMessage != "" && !strings.HasPrefix(j.Message, wantMessage) {
				t.Errorf("message %q, want it to start with %q", j.Message, wantMessage)
			}
		})
	}
}
